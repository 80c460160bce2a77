import { and, eq, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { processedUpdates } from '../db/schema.js';

/** How long a claim holds while its update is handled; a process that dies mid-update frees it after this. */
const LEASE = '60 seconds';

/** `claimed`: handle it now; `done`: handled before (a redelivery); `busy`: being handled right now elsewhere. */
export type Claim = 'claimed' | 'done' | 'busy';

/**
 * Claims an update for handling, as a lease: a new update, or one whose earlier
 * claim ran out unfinished (its process died), is claimed; one already handled
 * is `done`; one another request is handling now is `busy` (Telegram should
 * deliver it again later). One round trip in the common case.
 */
export async function claimUpdate(db: DbOrTx, botId: number, updateId: number): Promise<Claim> {
  const claimed = await db
    .insert(processedUpdates)
    .values({ botId, updateId, leaseUntil: sql`now() + ${LEASE}::interval` })
    .onConflictDoUpdate({
      target: [processedUpdates.botId, processedUpdates.updateId],
      set: { leaseUntil: sql`now() + ${LEASE}::interval`, processedAt: sql`now()` },
      setWhere: sql`${processedUpdates.doneAt} is null and ${processedUpdates.leaseUntil} < now()`,
    })
    .returning({ updateId: processedUpdates.updateId });
  if (claimed.length === 1) return 'claimed';
  const [row] = await db
    .select({ doneAt: processedUpdates.doneAt })
    .from(processedUpdates)
    .where(and(eq(processedUpdates.botId, botId), eq(processedUpdates.updateId, updateId)));
  return row?.doneAt ? 'done' : 'busy';
}

/** The update was handled: later deliveries of it are duplicates. */
export async function finishUpdate(db: DbOrTx, botId: number, updateId: number): Promise<void> {
  await db
    .update(processedUpdates)
    .set({ doneAt: sql`now()` })
    .where(and(eq(processedUpdates.botId, botId), eq(processedUpdates.updateId, updateId)));
}

/** Gives a claim back when handling could not happen, so Telegram's redelivery is handled. */
export async function releaseUpdate(db: DbOrTx, botId: number, updateId: number): Promise<void> {
  await db.delete(processedUpdates).where(and(eq(processedUpdates.botId, botId), eq(processedUpdates.updateId, updateId)));
}

/** Telegram stops redelivering after 24 hours; older claims only take space. */
export async function pruneProcessedUpdates(db: DbOrTx, olderThan: Date): Promise<number> {
  const rows = await db
    .delete(processedUpdates)
    .where(lt(processedUpdates.processedAt, olderThan))
    .returning({ updateId: processedUpdates.updateId });
  return rows.length;
}
