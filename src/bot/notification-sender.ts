import { type Telegram, TelegramError } from 'telegraf';
import { generationChargeKey, receiptOf } from '../domain/billing/ledger.js';
import { generationPictures } from '../domain/generation/images.js';
import { takeProgressMessage } from '../domain/generation/queries.js';
import type { Notification, Sender } from '../domain/notifications.js';
import { createFalImageFetcher } from '../fal/fal-http.js';
import { refreshCards } from './card-refresh.js';
import { sendPictures } from './photo-message.js';
import { GoneError, isSetNotification, type SenderDeps, sendSetMessage } from './set-sender.js';
import { langOf, texts } from './texts/index.js';
import {
  generationDoneView,
  generationFailedView,
  trainingCancelledView,
  trainingFailedView,
  trainingReadyView,
} from './views/outcome-messages.js';
import { type View, view } from './views/view.js';

/** The text message of a notification, or null for a finished picture (sent as photos). */
function textMessage(notification: Notification): View | null {
  const p = notification.payload;
  const t = texts[langOf(p.languageCode)];
  if (p.type === 'training_completed') return trainingReadyView(t, { id: p.avatarId, name: p.avatarName });
  if (p.type === 'training_cancelled') return trainingCancelledView(t, { id: p.avatarId, name: p.avatarName }, p.refunded);
  if (p.type === 'training_failed') return trainingFailedView(t, { id: p.avatarId, name: p.avatarName }, p.code, p.refunded);
  if (p.type === 'generation_failed') return generationFailedView(t, p.generationId, p.code, p.refunded);
  if (p.type === 'private_only') return view(t.privateOnly, []);
  return null;
}

/**
 * Sends a finished generation: its pictures (copied into storage first, so the
 * history outlives FAL's URLs) as one photo with the buttons, or as an album
 * followed by the buttons.
 */
async function sendGeneration(
  telegram: Telegram,
  deps: SenderDeps,
  notification: Notification,
  fetchImage: (url: string) => Promise<Buffer>,
) {
  const p = notification.payload as Extract<Notification['payload'], { type: 'generation_completed' }>;
  const found = await generationPictures(deps.db, deps.storage, p.generationId, fetchImage, deps.faces);
  if (!found) throw new GoneError(`generation ${p.generationId} is gone`);
  const receipt = await receiptOf(deps.db, found.generation.userId, generationChargeKey(found.generation.id));
  const v = generationDoneView(texts[langOf(p.languageCode)], found.generation, p.avatarName, { likeness: found.likeness, receipt });
  return sendPictures(telegram, notification.chatId, found.pictures, v);
}

/** Delivers outbox messages through the Bot API and says how a failure should be treated. */
export function createNotificationSender(telegram: Telegram, deps: SenderDeps): Sender {
  const fetchImage = createFalImageFetcher(deps.config);
  /** "Генерирую…" has said all it had to once the picture or the failure is out. */
  const retireProgress = async (notification: Notification) => {
    const p = notification.payload;
    if (p.type !== 'generation_completed' && p.type !== 'generation_failed') return;
    const messageId = await takeProgressMessage(deps.db, p.generationId);
    if (messageId) await telegram.deleteMessage(notification.chatId, messageId).catch(() => {});
  };
  /**
   * A training's end changes its avatar's card: the cards on screen are edited to match, once the message is
   * out. A card that cannot be edited now stays as it was: a press on it redraws it (gallery.ts answerStale).
   */
  const refreshShownCards = async (notification: Notification) => {
    const p = notification.payload;
    if (p.type !== 'training_completed' && p.type !== 'training_failed' && p.type !== 'training_cancelled') return;
    await refreshCards(telegram, deps.db, p.avatarId, texts[langOf(p.languageCode)]).catch(() => {});
  };
  return async (notification) => {
    try {
      const text = textMessage(notification);
      const messageId = text
        ? (await telegram.sendMessage(notification.chatId, text.text, text.markup)).message_id
        : isSetNotification(notification.payload)
          ? await sendSetMessage(telegram, deps, notification, fetchImage)
          : await sendGeneration(telegram, deps, notification, fetchImage);
      await retireProgress(notification);
      await refreshShownCards(notification);
      return { ok: true, messageId };
    } catch (error) {
      const description = (error as Error).message;
      if (error instanceof GoneError) return { ok: false, permanent: true, error: description };
      if (error instanceof TelegramError) {
        if (error.code === 429) return { ok: false, retryAfterSeconds: error.parameters?.retry_after ?? 5, error: description };
        // Blocked by the user, or the chat no longer exists: retrying cannot help.
        if (error.code === 403 || /chat not found/i.test(description)) return { ok: false, permanent: true, error: description };
      }
      return { ok: false, error: description };
    }
  };
}
