import { Markup } from 'telegraf';
import { type Lang, texts } from './texts.js';

/** The persistent main menu under the text box. */
export function mainMenuKeyboard(lang: Lang) {
  const m = texts[lang].menu;
  return Markup.keyboard([
    [m.createAvatar, m.myAvatars],
    [m.generate, m.help],
  ])
    .resize()
    .persistent();
}
