import { and, eq, isNotNull, isNull, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { trainingRuns } from '../../db/schema.js';
import { addEntry, chargeAgain, generationChargeKey, lateChargeKey, refundCharge, trainingChargeKey } from './ledger.js';

/**
 * What a training attempt or a generation costs, written in the transaction
 * that starts it, and given back in the one that ends it without a result.
 */

/** Records a training attempt (the daily limit counts it) and takes its price. */
export async function chargeTrainingRun(
  tx: DbOrTx,
  run: { userId: number; avatarId: string; avatarName: string; submitKey: string; price: number },
): Promise<void> {
  await tx.insert(trainingRuns).values({ submitKey: run.submitKey, userId: run.userId, avatarId: run.avatarId });
  if (run.price > 0) {
    await addEntry(tx, {
      userId: run.userId,
      key: trainingChargeKey(run.submitKey),
      kind: 'training',
      amount: -run.price,
      note: run.avatarName,
    });
  }
}

/**
 * Gives an attempt back — FAL refused it, failed it, timed it out, or it was
 * cancelled before it ran: it no longer counts for the day and its price is
 * refunded, once. Returns the Stars refunded now.
 */
export async function releaseTrainingRun(tx: DbOrTx, submitKey: string | null): Promise<number> {
  if (!submitKey) return 0;
  await tx
    .update(trainingRuns)
    .set({ releasedAt: new Date() })
    .where(and(eq(trainingRuns.submitKey, submitKey), isNull(trainingRuns.releasedAt)));
  const charge = trainingChargeKey(submitKey);
  // A reclaimed attempt (below) was charged twice: both charges come back.
  return (await refundCharge(tx, charge)) + (await refundCharge(tx, lateChargeKey(charge)));
}

/** A released attempt whose lost submit FAL had queued after all: it runs, so it counts and costs again. */
export async function reclaimTrainingRun(tx: DbOrTx, submitKey: string): Promise<void> {
  const reclaimed = await tx
    .update(trainingRuns)
    .set({ releasedAt: null })
    .where(and(eq(trainingRuns.submitKey, submitKey), isNotNull(trainingRuns.releasedAt)))
    .returning({ key: trainingRuns.submitKey });
  if (reclaimed.length > 0) await chargeAgain(tx, trainingChargeKey(submitKey));
}

export async function chargeGeneration(tx: DbOrTx, input: { userId: number; generationId: string; avatarName: string; price: number }) {
  if (input.price <= 0) return;
  await addEntry(tx, {
    userId: input.userId,
    key: generationChargeKey(input.generationId),
    kind: 'generation',
    amount: -input.price,
    note: input.avatarName,
  });
}

/** A generation that ended without a picture costs nothing: its price back, once. */
export const refundGeneration = (tx: DbOrTx, generationId: string) => refundCharge(tx, generationChargeKey(generationId));

/** Attempts older than `olderThan`: past the daily limit's window and any late webhook of theirs. */
export async function pruneTrainingRuns(db: DbOrTx, olderThan: Date): Promise<number> {
  const rows = await db.delete(trainingRuns).where(lt(trainingRuns.startedAt, olderThan)).returning({ key: trainingRuns.submitKey });
  return rows.length;
}
