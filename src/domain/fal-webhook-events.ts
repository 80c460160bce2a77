import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.js';
import { avatars, falWebhookEvents, generations } from '../db/schema.js';
import { completeGeneration } from './generation/completion.js';
import { normalizeGenerationWebhook } from './generation/result.js';
import { completeTraining } from './training/completion.js';
import { normalizeTrainingWebhook } from './training/result.js';

export type FalWebhookEvent = {
  requestId: string;
  gatewayRequestId: string | null;
  status: string;
  body: unknown;
};

/**
 * Stores a verified FAL webhook durably, keyed by the submit request id. A
 * redelivery only counts itself: the first stored body stays, and so does
 * whether it was applied.
 */
export async function recordFalWebhookEvent(db: DbOrTx, event: FalWebhookEvent): Promise<{ deliveries: number }> {
  const [row] = await db
    .insert(falWebhookEvents)
    .values({
      requestId: event.requestId,
      gatewayRequestId: event.gatewayRequestId,
      status: event.status,
      body: event.body,
    })
    .onConflictDoUpdate({
      target: falWebhookEvents.requestId,
      set: { deliveries: sql`${falWebhookEvents.deliveries} + 1`, lastReceivedAt: sql`now()` },
    })
    .returning({ deliveries: falWebhookEvents.deliveries });
  if (!row) throw new Error('webhook event upsert returned no row');
  return row;
}

export type EventResult =
  | { applied: true; kind: 'training'; status: 'completed' | 'failed' }
  | { applied: true; kind: 'generation'; status: 'completed' | 'failed' }
  | { applied: false };

/**
 * Applies a stored webhook event to whatever carries its request id: a
 * generation or a training (each ends once). An event for a request id nothing
 * carries yet (it arrived before submit returned) stays pending; one for
 * something already finished is marked applied; one for a deleted avatar stays
 * unmatched and is ignored.
 */
export async function applyFalWebhookEvent(db: Db, requestId: string, body: unknown): Promise<EventResult> {
  const [generation] = await db.select({ id: generations.id }).from(generations).where(eq(generations.falRequestId, requestId));
  let result: EventResult;
  if (generation) {
    const done = await completeGeneration(db, requestId, normalizeGenerationWebhook(body));
    result = done
      ? { applied: true, kind: 'generation', status: done.status === 'completed' ? 'completed' : 'failed' }
      : { applied: false };
  } else {
    const done = await completeTraining(db, requestId, normalizeTrainingWebhook(body));
    result = done.applied ? { applied: true, kind: 'training', status: done.status } : { applied: false };
  }
  await db
    .update(falWebhookEvents)
    .set({ appliedAt: new Date() })
    .where(
      and(
        eq(falWebhookEvents.requestId, requestId),
        isNull(falWebhookEvents.appliedAt),
        sql`(exists (select 1 from ${avatars} where ${avatars.falRequestId} = ${requestId})
          or exists (select 1 from ${generations} where ${generations.falRequestId} = ${requestId}))`,
      ),
    );
  return result;
}

/** Applies stored events whose training or generation is now running (optionally only `requestId`'s). */
export async function applyPendingWebhookEvents(db: Db, requestId?: string): Promise<EventResult[]> {
  const pending = await db
    .select({ requestId: falWebhookEvents.requestId, body: falWebhookEvents.body })
    .from(falWebhookEvents)
    .leftJoin(avatars, and(eq(avatars.falRequestId, falWebhookEvents.requestId), eq(avatars.status, 'training')))
    .leftJoin(generations, and(eq(generations.falRequestId, falWebhookEvents.requestId), eq(generations.status, 'running')))
    .where(
      and(
        isNull(falWebhookEvents.appliedAt),
        or(sql`${avatars.id} is not null`, sql`${generations.id} is not null`),
        requestId === undefined ? undefined : eq(falWebhookEvents.requestId, requestId),
      ),
    )
    .limit(100);
  const results: EventResult[] = [];
  for (const event of pending) results.push(await applyFalWebhookEvent(db, event.requestId, event.body));
  return results;
}
