import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { type Db, isDatabaseUnavailable, rootMessage } from '../../db/client.js';
import { avatars, falWebhookEvents, generations } from '../../db/schema.js';
import type { FalHttp } from '../../fal/fal-http.js';
import { TRANSITIONS } from '../avatar-lifecycle.js';
import { reclaimTrainingRun } from '../billing/charges.js';
import { resultOf } from '../fal-jobs.js';
import { completeGeneration } from '../generation/completion.js';
import { type GenerationOutcome, normalizeGenerationOutput, normalizeGenerationWebhook } from '../generation/result.js';
import { completeTraining } from '../training/completion.js';
import { normalizeTrainingOutput, normalizeTrainingWebhook, type TrainingOutcome } from '../training/result.js';
import type { Carrier } from './record.js';
import { settleStoredEvent } from './settle.js';

/** What applying an event needs: the database, and FAL for a result the webhook could not carry. */
export type EventDeps = { db: Db; falHttp: FalHttp };

/** Failed attempts to apply one event before it is given up and its training or generation failed. */
const MAX_EVENT_ATTEMPTS = 3;
export type EventResult =
  | { applied: true; kind: 'training'; status: 'completed' | 'failed' }
  | { applied: true; kind: 'generation'; status: 'completed' | 'failed' }
  | { applied: false; error?: string };

/**
 * A webhook that names a submit attempt whose answer we never got: the job FAL
 * queued is attached to the training or generation of that attempt, if it still
 * waits for one (the user has not started another attempt since).
 */
async function attachBySubmitKey(db: Db, submitKey: string, requestId: string): Promise<void> {
  const { from, to } = TRANSITIONS.attachLostSubmission;
  await db.transaction(async (tx) => {
    const attached = await tx
      .update(avatars)
      .set({ status: to, falRequestId: requestId, error: null, trainingStartedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(avatars.submitKey, submitKey), isNull(avatars.falRequestId), inArray(avatars.status, [...from])))
      .returning({ id: avatars.id });
    // Back in ready, its price was refunded: the job runs after all, so it is charged again.
    if (attached.length > 0) await reclaimTrainingRun(tx, submitKey);
  });
  await db
    .update(generations)
    .set({ status: 'running', falRequestId: requestId })
    .where(and(eq(generations.submitKey, submitKey), isNull(generations.falRequestId), eq(generations.status, 'pending')));
}

/**
 * What a webhook says happened. `status: OK` with `payload: null` and a
 * `payload_error` means the job succeeded but FAL could not put its result in
 * the webhook: it is fetched from the response URL stored at submit — null when
 * that gives no usable answer yet (the event stays pending; the checker asks again).
 */
async function outcomeOf<O>(
  deps: EventDeps,
  body: unknown,
  responseUrl: string | null | undefined,
  normalize: { webhook(body: unknown): O; output(output: unknown): O; failed(reason: string): O },
): Promise<O | null> {
  const b = (body ?? {}) as { status?: unknown; payload?: unknown; payload_error?: unknown };
  if (!(b.status === 'OK' && b.payload == null && b.payload_error != null)) return normalize.webhook(body);
  if (!responseUrl) return null;
  const verdict = await deps.falHttp.get(responseUrl).then(resultOf, () => null);
  if (verdict?.state === 'done') return normalize.output(verdict.output);
  if (verdict?.state === 'failed') return normalize.failed(verdict.reason);
  return null;
}

const forGeneration = {
  webhook: normalizeGenerationWebhook,
  output: normalizeGenerationOutput,
  failed: (reason: string): GenerationOutcome => ({ kind: 'failed', code: 'provider_error', reason, raw: null }),
};
const forTraining = {
  webhook: normalizeTrainingWebhook,
  output: normalizeTrainingOutput,
  failed: (reason: string): TrainingOutcome => ({ kind: 'failed', code: 'provider_error', reason, raw: null }),
};

/** The generation or training that carries a request id, with the response URL stored at submit. */
async function carrierOf(db: Db, requestId: string): Promise<Carrier | null> {
  const [generation] = await db
    .select({ responseUrl: generations.falResponseUrl })
    .from(generations)
    .where(eq(generations.falRequestId, requestId));
  if (generation) return { kind: 'generation', ...generation };
  const [avatar] = await db.select({ responseUrl: avatars.falResponseUrl }).from(avatars).where(eq(avatars.falRequestId, requestId));
  return avatar ? { kind: 'training', ...avatar } : null;
}

/**
 * Applies a stored webhook event to whatever carries its request id (or its
 * submit key): a generation or a training, each ending once, in the
 * transaction that marks the event applied. An event nothing carries yet (it
 * arrived before submit returned) stays pending — the submit applies it when
 * it stores the request id; one for something already finished is marked
 * applied; one for a deleted avatar stays unmatched and is pruned later.
 * `known` is the carrier the event's record found, when it found one.
 */
async function applyFalWebhookEvent(
  deps: EventDeps,
  event: { requestId: string; body: unknown; submitKey: string | null; known?: Carrier | null },
): Promise<EventResult> {
  const { db } = deps;
  const { requestId, body, submitKey } = event;
  // Read again when the record found none: a submit that returned meanwhile has stored its request id.
  let target = event.known ?? (await carrierOf(db, requestId));
  // Only a webhook no row carries yet can be a lost submit's: a known job costs no extra writes.
  if (!target && submitKey) {
    await attachBySubmitKey(db, submitKey, requestId);
    target = await carrierOf(db, requestId);
  }
  if (!target) return { applied: false };
  if (target.kind === 'generation') {
    const outcome = await outcomeOf(deps, body, target.responseUrl, forGeneration);
    if (!outcome) return { applied: false };
    return db.transaction(async (tx) => {
      const done = await completeGeneration(tx, requestId, outcome);
      // Ended before (by the checker, or an earlier delivery): the event is settled all the same.
      if (!done) await settleStoredEvent(tx, requestId);
      return done
        ? { applied: true, kind: 'generation', status: done.status === 'completed' ? 'completed' : 'failed' }
        : { applied: false };
    });
  }
  const outcome = await outcomeOf(deps, body, target.responseUrl, forTraining);
  if (!outcome) return { applied: false };
  return db.transaction(async (tx) => {
    const done = await completeTraining(tx, requestId, outcome);
    if (!done.applied) await settleStoredEvent(tx, requestId);
    return done.applied ? { applied: true, kind: 'training', status: done.status } : { applied: false };
  });
}

/**
 * Applies one event in isolation: an event that throws (a result that cannot
 * be stored) never stops the others. Its attempts are counted; after a few, it
 * is given up and its training or generation is failed with the reason, so the
 * user is told. Only an unavailable database is thrown: then nothing can be
 * applied, and a webhook answers 503 so FAL delivers again.
 */
export async function applyStoredEvent(
  deps: EventDeps,
  event: { requestId: string; body: unknown; submitKey: string | null; known?: Carrier | null },
) {
  try {
    return await applyFalWebhookEvent(deps, event);
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw error;
    const reason = rootMessage(error).slice(0, 500);
    const [row] = await deps.db
      .update(falWebhookEvents)
      .set({ attempts: sql`${falWebhookEvents.attempts} + 1`, lastError: reason })
      .where(eq(falWebhookEvents.requestId, event.requestId))
      .returning({ attempts: falWebhookEvents.attempts });
    if ((row?.attempts ?? 0) >= MAX_EVENT_ATTEMPTS) await giveUp(deps.db, event.requestId, reason);
    return { applied: false, error: reason } satisfies EventResult;
  }
}

async function giveUp(db: Db, requestId: string, reason: string): Promise<void> {
  await db.update(falWebhookEvents).set({ failedAt: new Date() }).where(eq(falWebhookEvents.requestId, requestId));
  const why = `FAL's result could not be stored: ${reason}`;
  await completeGeneration(db, requestId, { kind: 'failed', code: 'invalid_result', reason: why, raw: null });
  await completeTraining(db, requestId, { kind: 'failed', code: 'invalid_result', reason: why, raw: null });
}

/** Applies stored events whose training or generation now waits for them (optionally only `requestId`'s). */
export async function applyPendingWebhookEvents(deps: EventDeps, requestId?: string): Promise<EventResult[]> {
  const pending = await deps.db
    .select({ requestId: falWebhookEvents.requestId, body: falWebhookEvents.body, submitKey: falWebhookEvents.submitKey })
    .from(falWebhookEvents)
    .leftJoin(
      avatars,
      or(
        and(eq(avatars.falRequestId, falWebhookEvents.requestId), eq(avatars.status, 'training')),
        and(eq(avatars.submitKey, falWebhookEvents.submitKey), isNull(avatars.falRequestId)),
      ),
    )
    .leftJoin(
      generations,
      or(
        and(eq(generations.falRequestId, falWebhookEvents.requestId), eq(generations.status, 'running')),
        and(eq(generations.submitKey, falWebhookEvents.submitKey), isNull(generations.falRequestId)),
      ),
    )
    .where(
      and(
        isNull(falWebhookEvents.appliedAt),
        isNull(falWebhookEvents.failedAt),
        or(sql`${avatars.id} is not null`, sql`${generations.id} is not null`),
        requestId === undefined ? undefined : eq(falWebhookEvents.requestId, requestId),
      ),
    )
    .limit(100);
  const results: EventResult[] = [];
  for (const event of pending) results.push(await applyStoredEvent(deps, event));
  return results;
}
