import { Markup } from 'telegraf';
import { type Texts, texts } from '../texts/index.js';

/** The persistent main menu under the text box. */
export function mainMenuKeyboard(t: Texts) {
  const m = t.menu;
  return Markup.keyboard([[m.createAvatar, m.myAvatars], [m.generate, m.shoots], [m.help]])
    .resize()
    .persistent();
}

/** Every menu button's text in every language: pressing one leaves whatever step the chat was in. */
export const MENU_BUTTONS: readonly string[] = Object.values(texts).flatMap((t) => Object.values(t.menu));
