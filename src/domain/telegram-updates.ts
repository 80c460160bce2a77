import { eq, lt } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { processedUpdates } from '../db/schema.js';

/**
 * Claims an update id for handling. Returns false when it was claimed before
 * (Telegram redelivered it), so each update is handled at most once.
 */
export async function claimUpdate(db: DbOrTx, updateId: number): Promise<boolean> {
  const rows = await db
    .insert(processedUpdates)
    .values({ updateId })
    .onConflictDoNothing()
    .returning({ updateId: processedUpdates.updateId });
  return rows.length === 1;
}

/** Gives a claim back when handling could not happen, so Telegram's redelivery is handled. */
export async function releaseUpdate(db: DbOrTx, updateId: number): Promise<void> {
  await db.delete(processedUpdates).where(eq(processedUpdates.updateId, updateId));
}

/** Telegram stops redelivering after 24 hours; older claims only take space. */
export async function pruneProcessedUpdates(db: DbOrTx, olderThan: Date): Promise<number> {
  const rows = await db
    .delete(processedUpdates)
    .where(lt(processedUpdates.processedAt, olderThan))
    .returning({ updateId: processedUpdates.updateId });
  return rows.length;
}
