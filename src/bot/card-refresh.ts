import type { Telegram } from 'telegraf';
import type { Db } from '../db/client.js';
import { listAvatarCards } from '../domain/avatars.js';
import { cardsShowing, forgetCard } from '../domain/shown-cards.js';
import { isMessageGone, isNotModified } from './actions.js';
import type { Texts } from './texts/index.js';
import { cardView } from './views/gallery-card.js';

/**
 * Edits every open gallery card of the avatar to show it as it is now — "✅ Готов" with its buttons once
 * the training ends, not the "⏳ Обучается" it was opened with. Only the caption and buttons change:
 * the picture is the avatar's, and it has not. A card whose message is gone is forgotten.
 */
export async function refreshCards(telegram: Telegram, db: Db, avatarId: string, t: Texts): Promise<void> {
  for (const { chatId, messageId, userId } of await cardsShowing(db, avatarId)) {
    const cards = await listAvatarCards(db, userId);
    const index = cards.findIndex((card) => card.id === avatarId);
    if (index < 0) continue;
    const v = cardView(t, cards, index);
    try {
      await telegram.editMessageCaption(chatId, messageId, undefined, v.text, v.markup);
    } catch (error) {
      if (isMessageGone(error)) await forgetCard(db, chatId, messageId);
      else if (!isNotModified(error)) throw error;
    }
  }
}
