import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { avatars, shownCards } from '../db/schema.js';

/** A card kept in mind this long is forgotten (pruneShownCards): nobody scrolls days up to a card. */
const KEPT_MS = 2 * 24 * 60 * 60 * 1000;

/** Message `messageId` now shows the avatar's card (a new card, or one edited to another avatar). */
export async function rememberCard(db: Db, card: { chatId: number; messageId: number; avatarId: string }): Promise<void> {
  await db
    .insert(shownCards)
    .values(card)
    .onConflictDoUpdate({ target: [shownCards.chatId, shownCards.messageId], set: { avatarId: card.avatarId, shownAt: sql`now()` } });
}

/** Forgets the cards shown longer ago than KEPT_MS (the status check's housekeeping); returns how many. */
export async function pruneShownCards(db: Db): Promise<number> {
  const rows = await db
    .delete(shownCards)
    .where(lt(shownCards.shownAt, new Date(Date.now() - KEPT_MS)))
    .returning({ id: shownCards.messageId });
  return rows.length;
}

/** The message may no longer show a card: a press on it is turning it into something else, or it is gone. */
export async function forgetCard(db: Db, chatId: number, messageId: number): Promise<void> {
  await db.delete(shownCards).where(and(eq(shownCards.chatId, chatId), eq(shownCards.messageId, messageId)));
}

/** The messages showing the avatar's card, with its owner (whose gallery the card pages through). */
export async function cardsShowing(db: Db, avatarId: string): Promise<{ chatId: number; messageId: number; userId: number }[]> {
  return db
    .select({ chatId: shownCards.chatId, messageId: shownCards.messageId, userId: avatars.userId })
    .from(shownCards)
    .innerJoin(avatars, eq(avatars.id, shownCards.avatarId))
    .where(eq(shownCards.avatarId, avatarId));
}
