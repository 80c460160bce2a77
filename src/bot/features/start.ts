import { Composer } from 'telegraf';
import type { BotContext } from '../context.js';
import { texts } from '../texts/index.js';
import { mainMenuKeyboard } from '../views/main-menu.js';

/** /start: a greeting and the main menu. */
export function startFeature() {
  const feature = new Composer<BotContext>();
  feature.start(async (ctx) => {
    const t = texts[ctx.lang];
    await ctx.reply(t.greeting(ctx.from?.first_name ?? ''), mainMenuKeyboard(ctx.lang));
  });
  return feature;
}
