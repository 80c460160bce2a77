import { Composer } from 'telegraf';
import { expectedSeconds } from '../../domain/training/presets.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { texts } from '../texts/index.js';
import { mainMenuKeyboard } from '../views/main-menu.js';

/** /help and the menu's help button: the whole process in a few lines. */
export function helpFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();
  const { minPhotos, maxPhotos } = deps.config.training;
  const time = expectedSeconds(deps.config, { trainingPreset: null });
  const help = (ctx: BotContext) => ctx.reply(ctx.t.help({ min: minPhotos, max: maxPhotos, time }), mainMenuKeyboard(ctx.t));
  feature.help(help);
  feature.hears([texts.ru.menu.help, texts.en.menu.help], help);
  return feature;
}
