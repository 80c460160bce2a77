import { Composer, type NarrowedContext } from 'telegraf';
import type { CallbackQuery, Chat, Update } from 'telegraf/types';
import { type Avatar, findOwnedAvatar } from '../domain/avatars.js';
import { findOwnedGeneration, type Generation } from '../domain/generation/queries.js';
import type { BotDeps } from './bot-deps.js';
import { type CallbackAction, parseCallbackData } from './callback-data.js';
import type { BotContext } from './context.js';
import type { View } from './views/view.js';

export type CallbackContext = NarrowedContext<BotContext, Update.CallbackQueryUpdate<CallbackQuery.DataQuery>> & {
  chat: Chat;
};

type ActionData<K extends CallbackAction['action']> = Extract<CallbackAction, { action: K }>;
type AvatarActionName = Extract<CallbackAction, { avatarId: string }>['action'];
type GenerationActionName = Extract<CallbackAction, { generationId: string }>['action'];

/** A handler for one kind of button, with its data parsed and typed. */
export function onAction<K extends CallbackAction['action']>(
  name: K,
  handler: (ctx: CallbackContext, data: ActionData<K>) => Promise<unknown>,
) {
  const composer = new Composer<BotContext>();
  composer.on('callback_query', (ctx, next) => {
    if (!('data' in ctx.callbackQuery)) return next();
    const data = parseCallbackData(ctx.callbackQuery.data);
    if (data?.action !== name) return next();
    // Our buttons live in chats; a button without one (an inline message) is none of ours.
    if (!ctx.chat) return ctx.answerCbQuery(ctx.t.staleButton);
    return handler(ctx as CallbackContext, data as ActionData<K>);
  });
  return composer;
}

/**
 * A handler for a button that names an avatar. Users touch only their own
 * things (docs/invariants.md): the handler runs only when the avatar exists and
 * belongs to the user who pressed the button; otherwise the user gets an alert.
 */
export function onAvatarAction<K extends AvatarActionName>(
  name: K,
  deps: Pick<BotDeps, 'db'>,
  handler: (ctx: CallbackContext, avatar: Avatar, data: ActionData<K>) => Promise<unknown>,
) {
  return onAction(name, async (ctx, data) => {
    const avatarId = (data as { avatarId: string }).avatarId;
    if (!ctx.user) return;
    const found = await findOwnedAvatar(deps.db, ctx.user.id, avatarId);
    if (found.ok) return handler(ctx, found.avatar, data);
    await alertNotOwned(ctx, found.reason, { avatar_id: avatarId });
  });
}

/** The same for a button that names a generation: it runs with the generation and its avatar, if they are the user's. */
export function onGenerationAction<K extends GenerationActionName>(
  name: K,
  deps: Pick<BotDeps, 'db'>,
  handler: (ctx: CallbackContext, generation: Generation, avatar: Avatar) => Promise<unknown>,
) {
  return onAction(name, async (ctx, data) => {
    const generationId = (data as { generationId: string }).generationId;
    if (!ctx.user) return;
    const found = await findOwnedGeneration(deps.db, ctx.user.id, generationId);
    if (found.ok) return handler(ctx, found.generation, found.avatar);
    await alertNotOwned(ctx, found.reason, { generation_id: generationId });
  });
}

/** The alert for a button naming something that is gone or someone else's; the latter is logged. */
async function alertNotOwned(ctx: CallbackContext, reason: 'missing' | 'foreign', ids: Record<string, string>): Promise<void> {
  const t = ctx.t;
  if (reason === 'foreign') ctx.log.warn(ids, 'button names another user’s avatar');
  await ctx.answerCbQuery(reason === 'foreign' ? t.notYourAvatar : t.avatarGone, { show_alert: true });
}

/**
 * Answers a pressed button (stops the client's spinner, or shows a toast) as a courtesy: a press
 * redelivered after an outage gets "query is too old", and that must never stop the work behind it.
 */
export async function answerQuietly(ctx: CallbackContext, text?: string): Promise<void> {
  await ctx.answerCbQuery(text).catch((error: unknown) => ctx.log.warn({ err: error }, 'could not answer the button'));
}

/** Telegram answers 400 when an edit would not change the message; that is not a failure. */
export function isNotModified(error: unknown): boolean {
  return /message is not modified/i.test((error as Error)?.message ?? '');
}

/** Telegram answers 400 when the message to edit was deleted (by the user) or is too old to edit. */
export function isMessageGone(error: unknown): boolean {
  return /message to edit not found|message can't be edited/i.test((error as Error)?.message ?? '');
}

/** Replaces the pressed button's message: its caption when it is a photo, its text otherwise. */
export async function editPressedMessage(ctx: CallbackContext, v: View): Promise<void> {
  ctx.editedPressed = true;
  try {
    if (pressedOnPhoto(ctx)) await ctx.editMessageCaption(v.text, v.markup);
    else await ctx.editMessageText(v.text, v.markup);
  } catch (error) {
    if (!isNotModified(error)) throw error;
  }
}

/** True when the pressed button sits under a photo (a gallery card, a photo browser). */
export const pressedOnPhoto = (ctx: CallbackContext) => {
  const message = ctx.callbackQuery.message;
  return message !== undefined && 'photo' in message;
};
