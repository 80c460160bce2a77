import { Composer } from 'telegraf';
import { balanceOf, grantFreeCredits } from '../../domain/billing/ledger.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { texts } from '../texts/index.js';
import { mainMenuKeyboard } from '../views/main-menu.js';

/** /start: a greeting and the main menu; with Stars on, the balance under it. */
export function startFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();
  const { billing } = deps.config;
  feature.start(async (ctx) => {
    const t = texts[ctx.lang];
    let text = t.greeting(ctx.from?.first_name ?? '');
    if (billing.enabled && ctx.user) {
      await grantFreeCredits(deps.db, ctx.user.id, billing.freeCredits);
      text += `\n\n${t.stars.balanceLine(await balanceOf(deps.db, ctx.user.id))}`;
    }
    await ctx.reply(text, mainMenuKeyboard(ctx.lang));
  });
  return feature;
}
