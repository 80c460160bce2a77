import { Composer, type NarrowedContext } from 'telegraf';
import type { CallbackQuery, Chat, Update } from 'telegraf/types';
import { type Avatar, findOwnedAvatar } from '../domain/avatars.js';
import type { BotDeps } from './bot-deps.js';
import { type CallbackAction, parseCallbackData } from './callback-data.js';
import type { BotContext } from './context.js';
import { texts } from './texts.js';

export type CallbackContext = NarrowedContext<BotContext, Update.CallbackQueryUpdate<CallbackQuery.DataQuery>> & {
  chat: Chat;
};

/** A handler for one kind of button, with its data parsed and typed. */
export function onAction<K extends CallbackAction['action']>(
  name: K,
  handler: (ctx: CallbackContext, data: Extract<CallbackAction, { action: K }>) => Promise<unknown>,
) {
  const composer = new Composer<BotContext>();
  composer.on('callback_query', (ctx, next) => {
    if (!('data' in ctx.callbackQuery)) return next();
    const data = parseCallbackData(ctx.callbackQuery.data);
    if (data?.action !== name) return next();
    // Our buttons live in chats; a button without one (an inline message) is none of ours.
    if (!ctx.chat) return ctx.answerCbQuery(texts[ctx.lang].staleButton);
    return handler(ctx as CallbackContext, data as Extract<CallbackAction, { action: K }>);
  });
  return composer;
}

/**
 * The avatar a button names, if it belongs to the user who pressed it;
 * otherwise the user gets an alert and the caller does nothing.
 */
export async function ownAvatarOrAlert(ctx: CallbackContext, deps: BotDeps, avatarId: string): Promise<Avatar | null> {
  const t = texts[ctx.lang];
  if (!ctx.user) return null;
  const found = await findOwnedAvatar(deps.db, ctx.user.id, avatarId);
  if (found.ok) return found.avatar;
  if (found.reason === 'foreign') ctx.log.warn({ avatar_id: avatarId }, 'button names another user’s avatar');
  await ctx.answerCbQuery(found.reason === 'foreign' ? t.notYourAvatar : t.avatarGone, { show_alert: true });
  return null;
}

/** Telegram answers 400 when an edit would not change the message; that is not a failure. */
export function isNotModified(error: unknown): boolean {
  return /message is not modified/i.test((error as Error)?.message ?? '');
}

/** Replaces the pressed button's message: its caption when it is a photo, its text otherwise. */
export async function editPressedMessage(ctx: CallbackContext, text: string, extra: object): Promise<void> {
  const message = ctx.callbackQuery.message;
  try {
    if (message && 'photo' in message) await ctx.editMessageCaption(text, extra);
    else await ctx.editMessageText(text, extra);
  } catch (error) {
    if (!isNotModified(error)) throw error;
  }
}

/** True when the pressed button sits under a photo (a gallery card, a photo browser). */
export const pressedOnPhoto = (ctx: CallbackContext) => {
  const message = ctx.callbackQuery.message;
  return message !== undefined && 'photo' in message;
};
