import { Composer } from 'telegraf';
import { isUnfinished } from '../../domain/avatar-lifecycle.js';
import { countPhotos, findOwnedAvatar } from '../../domain/avatars.js';
import { currentBalance } from '../../domain/billing/ledger.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { mainMenuKeyboard } from '../views/main-menu.js';
import { draftKeptView } from '../views/unfinished-avatar.js';

/** /start: a greeting and the main menu; with Stars on, the balance under it. */
export function startFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();
  const { billing } = deps.config;
  feature.start(async (ctx) => {
    const t = ctx.t;
    let text = t.greeting(ctx.from?.first_name ?? '', { min: deps.config.training.minPhotos, max: deps.config.training.maxPhotos });
    if (billing.enabled && ctx.user) {
      text += `\n\n${t.stars.balanceLine(await currentBalance(deps.db, ctx.user.id, billing.freeCredits))}`;
    }
    await ctx.reply(text, mainMenuKeyboard(ctx.t));
    // Left in the middle of creating an avatar: say the draft is kept, and how to go on.
    const left = ctx.user && ctx.leftAvatarId ? await findOwnedAvatar(deps.db, ctx.user.id, ctx.leftAvatarId) : null;
    if (left?.ok && isUnfinished(left.avatar)) {
      const v = draftKeptView(ctx.t, left.avatar, await countPhotos(deps.db, left.avatar.id));
      await ctx.reply(v.text, v.markup);
    }
  });
  return feature;
}
