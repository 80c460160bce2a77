import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { falWebhookEvents } from '../../db/schema.js';

/**
 * A job's training or generation has ended, whoever ended it (its webhook,
 * the status check, a give-up): a webhook event stored for the job has nothing
 * left to do. Written in the transaction that ended it; one given up stays failed.
 */
export async function settleStoredEvent(tx: DbOrTx, requestId: string): Promise<void> {
  await tx
    .update(falWebhookEvents)
    .set({ appliedAt: new Date() })
    .where(and(eq(falWebhookEvents.requestId, requestId), isNull(falWebhookEvents.appliedAt), isNull(falWebhookEvents.failedAt)));
}
