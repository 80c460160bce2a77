import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { falWebhookEvents } from '../db/schema.js';

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
