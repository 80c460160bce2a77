import { and, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { avatars, falWebhookEvents, generations } from '../../db/schema.js';

/** Events nothing of ours carries (someone else's jobs pointed at our URL) are kept this long. */
const FOREIGN_EVENT_RETENTION = '3 days';

/** Deletes events older than a few days that nothing of ours carries: other people's jobs pointed at our URL. */
export async function pruneForeignEvents(db: Db): Promise<number> {
  const rows = await db
    .delete(falWebhookEvents)
    .where(
      and(
        lt(falWebhookEvents.receivedAt, sql`now() - ${FOREIGN_EVENT_RETENTION}::interval`),
        sql`not exists (select 1 from ${avatars} where ${avatars.falRequestId} = ${falWebhookEvents.requestId})`,
        sql`not exists (select 1 from ${generations} where ${generations.falRequestId} = ${falWebhookEvents.requestId})`,
      ),
    )
    .returning({ requestId: falWebhookEvents.requestId });
  return rows.length;
}
