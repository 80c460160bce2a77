import { and, eq, inArray } from 'drizzle-orm';
import { type Db, type DbOrTx, inTransaction } from '../../db/client.js';
import { generations } from '../../db/schema.js';
import { GENERATION_IN_FLIGHT } from '../avatar-lifecycle.js';
import { refundGeneration } from '../billing/charges.js';
import { settleStoredEvent } from '../fal-webhooks/settle.js';
import { enqueueNotification, recipientOf } from '../notifications.js';
import { advanceSet } from '../sets/progress.js';
import type { Generation } from './queries.js';
import type { GenerationFailure, GenerationOutcome } from './result.js';

/**
 * The user's message about a finished generation, written in the transaction that finished it; a
 * failed one is refunded. A set's picture is told with its set (domain/sets/progress.ts).
 */
async function notifyGeneration(tx: DbOrTx, generation: Generation, failure?: GenerationFailure) {
  if (generation.setId) return advanceSet(tx, generation.setId);
  const owner = await recipientOf(tx, generation);
  if (!owner) return;
  const common = { generationId: generation.id, avatarName: owner.avatarName, languageCode: owner.languageCode };
  await enqueueNotification(tx, {
    chatId: owner.chatId,
    dedupeKey: `generation:${generation.id}`,
    payload: failure
      ? { type: 'generation_failed', ...common, code: failure, refunded: await refundGeneration(tx, generation.id) }
      : { type: 'generation_completed', ...common },
  });
}

/** Fails a generation that has not ended yet (a refused or interrupted submit), telling the user once. */
export async function failGeneration(db: Db, generationId: string, reason: string, code: GenerationFailure): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [failed] = await tx
      .update(generations)
      .set({ status: 'failed', error: reason, finishedAt: new Date() })
      .where(and(eq(generations.id, generationId), inArray(generations.status, [...GENERATION_IN_FLIGHT])))
      .returning();
    if (failed) await notifyGeneration(tx, failed, code);
    return Boolean(failed);
  });
}

/**
 * Ends a generation once, by its request id — the same conditional update and
 * outbox write as a training's completion (docs/invariants.md, "One completion").
 */
export async function completeGeneration(db: DbOrTx, requestId: string, outcome: GenerationOutcome): Promise<Generation | null> {
  return inTransaction(db, async (tx) => {
    const [generation] = await tx
      .update(generations)
      .set(
        outcome.kind === 'images'
          ? { status: 'completed', imageUrls: outcome.urls, seed: outcome.seed, finishedAt: new Date() }
          : { status: 'failed', error: outcome.reason, finishedAt: new Date() },
      )
      .where(and(eq(generations.falRequestId, requestId), eq(generations.status, 'running')))
      .returning();
    if (!generation) return null;
    await settleStoredEvent(tx, requestId);
    await notifyGeneration(tx, generation, outcome.kind === 'failed' ? outcome.code : undefined);
    return generation;
  });
}
