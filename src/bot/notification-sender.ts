import { Markup, TelegramError, type Telegram } from 'telegraf';
import type { Notification, Sender } from '../domain/notifications.js';
import { callbackData as cb } from './callback-data.js';
import { langOf, texts } from './texts.js';

function render(notification: Notification) {
  const p = notification.payload;
  const t = texts[langOf(p.languageCode)];
  if (p.type === 'training_completed') {
    return {
      text: t.trainingReady(p.avatarName),
      markup: Markup.inlineKeyboard([
        [Markup.button.callback(t.generateButton, cb({ action: 'avatar_generate', avatarId: p.avatarId }))],
        [Markup.button.callback(t.menu.myAvatars, cb({ action: 'gallery_open' }))],
      ]),
    };
  }
  return {
    text: t.trainingFailed(p.avatarName, p.code),
    markup: Markup.inlineKeyboard([[Markup.button.callback(t.retryTraining, cb({ action: 'avatar_train', avatarId: p.avatarId }))]]),
  };
}

/** Delivers outbox messages through the Bot API and says how a failure should be treated. */
export function createNotificationSender(telegram: Telegram): Sender {
  return async (notification) => {
    const { text, markup } = render(notification);
    try {
      const message = await telegram.sendMessage(notification.chatId, text, markup);
      return { ok: true, messageId: message.message_id };
    } catch (error) {
      const description = (error as Error).message;
      if (error instanceof TelegramError) {
        if (error.code === 429) return { ok: false, retryAfterSeconds: error.parameters?.retry_after ?? 5, error: description };
        // Blocked by the user, or the chat no longer exists: retrying cannot help.
        if (error.code === 403 || /chat not found/i.test(description)) return { ok: false, permanent: true, error: description };
      }
      return { ok: false, error: description };
    }
  };
}
