import { Markup } from 'telegraf';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import { type CallbackAction, callbackData } from '../callback-data.js';

/** A message the bot shows: its text (or caption) and its inline keyboard. */
export type View = { text: string; markup: { reply_markup: InlineKeyboardMarkup } };

export type Button = InlineKeyboardButton.CallbackButton;

/** An inline button whose callback data is built by callback-data.ts. */
export const button = (text: string, action: CallbackAction): Button => Markup.button.callback(text, callbackData(action));

export const view = (text: string, rows: Button[][]): View => ({ text, markup: Markup.inlineKeyboard(rows) });

/** `⬅️ 3/12 ➡️`, wrapping around at both ends; `at(i)` is the action that shows item i. */
export function pagerRow(index: number, total: number, at: (i: number) => CallbackAction): Button[] {
  const wrap = (i: number) => (i + total) % total;
  return [button('⬅️', at(wrap(index - 1))), button(`${index + 1}/${total}`, at(index)), button('➡️', at(wrap(index + 1)))];
}
