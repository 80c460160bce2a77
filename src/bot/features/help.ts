import { Composer } from 'telegraf';
import type { BotContext } from '../context.js';
import { texts } from '../texts/index.js';
import { mainMenuKeyboard } from '../views/main-menu.js';

/** /help and the menu's help button: the whole process in a few lines. */
export function helpFeature() {
  const feature = new Composer<BotContext>();
  const help = (ctx: BotContext) => ctx.reply(texts[ctx.lang].help, mainMenuKeyboard(ctx.lang));
  feature.help(help);
  feature.hears([texts.ru.menu.help, texts.en.menu.help], help);
  return feature;
}
