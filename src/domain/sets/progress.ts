import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { balanceEntries, generations, pictureSets } from '../../db/schema.js';
import { shootChargeKey } from '../billing/ledger.js';
import { enqueueNotification, recipientOf } from '../notifications.js';

/** Telegram's largest album. */
export const ALBUM_SIZE = 10;

type PictureSet = typeof pictureSets.$inferSelect;

/** How many of the set's pictures have ended, and how many of them are done. */
export async function setProgress(db: DbOrTx, setId: string): Promise<{ ended: number; completed: number }> {
  const [counts] = await db
    .select({
      ended: sql<number>`count(*) filter (where ${generations.status} in ('completed', 'failed'))::int`,
      completed: sql<number>`count(*) filter (where ${generations.status} = 'completed')::int`,
    })
    .from(generations)
    .where(eq(generations.setId, setId));
  return counts ?? { ended: 0, completed: 0 };
}

/**
 * Called in the transaction that ended one of the set's pictures. The set's row
 * is locked first, so two pictures ending at once are counted one after the
 * other and the set ends exactly once. While pictures remain, a shoot's
 * progress is told; once all have ended, the set is done: a shoot's failed
 * pictures are refunded by their share, and the albums (with a shoot's vote
 * buttons and summary) are written to the outbox.
 */
export async function advanceSet(tx: DbOrTx, setId: string): Promise<void> {
  const [set] = await tx.select().from(pictureSets).where(eq(pictureSets.id, setId)).for('update');
  if (set?.status !== 'running') return;
  const counts = await setProgress(tx, setId);
  const owner = await recipientOf(tx, set);
  if (!owner) return;
  const common = { setId, languageCode: owner.languageCode, avatarName: owner.avatarName };
  if (counts.ended < set.total) {
    if (set.kind === 'shoot') {
      await enqueueNotification(tx, {
        chatId: owner.chatId,
        dedupeKey: `set:${setId}:progress:${counts.ended}`,
        payload: { type: 'set_progress', ...common },
      });
    }
    return;
  }
  await tx.update(pictureSets).set({ status: 'done', finishedAt: new Date() }).where(eq(pictureSets.id, setId));
  const failed = set.total - counts.completed;
  const refunded = await refundShare(tx, set, failed);
  const albums = Math.ceil(counts.completed / ALBUM_SIZE);
  for (let album = 0; album < albums; album++) {
    await enqueueNotification(tx, {
      chatId: owner.chatId,
      dedupeKey: `set:${setId}:album:${album}`,
      payload: { type: 'set_album', ...common, album },
    });
    if (set.kind === 'shoot') {
      await enqueueNotification(tx, {
        chatId: owner.chatId,
        dedupeKey: `set:${setId}:votes:${album}`,
        payload: { type: 'set_votes', ...common, album },
      });
    }
  }
  if (set.kind === 'shoot') {
    await enqueueNotification(tx, {
      chatId: owner.chatId,
      dedupeKey: `set:${setId}:done`,
      payload: { type: 'set_done', ...common, delivered: counts.completed, failed, refunded },
    });
  }
}

/** A shoot's failed pictures given back by their share of its price, once (rounded down). */
async function refundShare(tx: DbOrTx, set: PictureSet, failed: number): Promise<number> {
  const amount = Math.floor((set.price * failed) / set.total);
  if (set.kind !== 'shoot' || amount <= 0) return 0;
  const rows = await tx
    .insert(balanceEntries)
    .values({ userId: set.userId, key: `refund:${shootChargeKey(set.id)}`, kind: 'refund', amount, note: `${failed}/${set.total}` })
    .onConflictDoNothing()
    .returning({ amount: balanceEntries.amount });
  return rows[0]?.amount ?? 0;
}

/**
 * The avatar is being deleted with shoots still running: what was not drawn yet
 * is given back by its share, under the same ledger key as a shoot's end (so
 * once). Called in the deleting transaction, before the sets go with the avatar.
 */
export async function refundUnfinishedShoots(tx: DbOrTx, avatarId: string): Promise<number> {
  const running = await tx
    .select()
    .from(pictureSets)
    .where(sql`${pictureSets.avatarId} = ${avatarId} and ${pictureSets.kind} = 'shoot' and ${pictureSets.status} = 'running'`)
    .for('update');
  let refunded = 0;
  for (const set of running) {
    refunded += await refundShare(tx, set, set.total - (await setProgress(tx, set.id)).completed);
  }
  return refunded;
}
