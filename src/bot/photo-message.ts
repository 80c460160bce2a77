import type { Telegram } from 'telegraf';
import type { AvatarPhoto } from '../domain/avatars.js';
import type { GenerationPicture } from '../domain/generation/images.js';
import type { Storage } from '../storage/storage.js';
import { isNotModified } from './actions.js';
import type { BotContext } from './context.js';
import { PLACEHOLDER_PNG } from './placeholder-png.js';
import type { View } from './views/view.js';

/** A photo to show: a Telegram file id, or bytes from storage. */
export type Media = string | { source: Buffer | NodeJS.ReadableStream };

/**
 * Shows a photo with its caption and buttons: in the pressed message, edited in
 * place, when `edit` is set (a card, a photo browser); else as a new message.
 * Returns the id of the message that shows it.
 */
export async function showPhotoMessage(ctx: BotContext, media: Media, v: View, edit: boolean): Promise<number | undefined> {
  if (!edit) return (await ctx.replyWithPhoto(media as never, { caption: v.text, ...v.markup })).message_id;
  ctx.editedPressed = true;
  try {
    await ctx.editMessageMedia({ type: 'photo', media: media as never, caption: v.text }, v.markup);
  } catch (error) {
    if (!isNotModified(error)) throw error;
  }
  return ctx.callbackQuery?.message?.message_id;
}

/**
 * An uploaded photo: by Telegram's file id when it came as a photo (nothing to
 * upload), else its thumbnail from storage — or, for a row older than
 * thumbnails, the photo itself (a placeholder if the file is gone).
 */
export async function photoMedia(storage: Storage, photo: AvatarPhoto): Promise<Media> {
  if (photo.telegramFileId) return photo.telegramFileId;
  const thumbnail = photo.thumbnailKey ? await storage.get(photo.thumbnailKey) : null;
  return { source: thumbnail ?? (await storage.get(photo.storageKey)) ?? PLACEHOLDER_PNG };
}

/**
 * A generation's pictures: one photo with the view as its caption and buttons, or an album followed
 * by the view as a message (an album carries no buttons). Returns the id of the message with the buttons.
 */
export async function sendPictures(telegram: Telegram, chatId: number, pictures: GenerationPicture[], v: View): Promise<number> {
  const media = pictures.map((picture) => (typeof picture === 'string' ? picture : { source: picture }));
  if (media.length === 1) return (await telegram.sendPhoto(chatId, media[0]!, { caption: v.text, ...v.markup })).message_id;
  await telegram.sendMediaGroup(
    chatId,
    media.map((m, i) => ({ type: 'photo' as const, media: m, ...(i === 0 ? { caption: v.text } : {}) })),
  );
  return (await telegram.sendMessage(chatId, v.text, v.markup)).message_id;
}
