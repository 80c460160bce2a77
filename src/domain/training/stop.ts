import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { avatars } from '../../db/schema.js';
import type { FalHttp } from '../../fal/fal-http.js';
import { TRANSITIONS } from '../avatar-lifecycle.js';
import type { Avatar } from '../avatars.js';
import { cancelFalJob } from '../fal-jobs.js';

/** `stopping`: FAL took the cancel; the job ends soon (cancelled, or finished after all, keeping its result). */
export type StopResult = 'stopping' | 'too_late' | 'unreachable';

/**
 * Asks FAL to cancel a running training. A cancel is a request: a running job
 * gets a signal and may still finish (and be billed). So the avatar stays in
 * training, marked as stopping, until FAL's result arrives: a result that came
 * anyway is kept (completed), an ended job is cancelled (completeTraining). FAL
 * refusing (ALREADY_COMPLETED) leaves it to complete normally; FAL not
 * answering changes nothing, so the user can try again.
 */
export async function stopTraining(db: Db, falHttp: FalHttp, avatar: Avatar): Promise<StopResult> {
  if (avatar.status !== 'training' || !avatar.falCancelUrl) return 'too_late';
  const cancel = await cancelFalJob(falHttp, avatar.falCancelUrl);
  if (cancel !== 'requested') return cancel;
  const rows = await db
    .update(avatars)
    .set({ cancelRequestedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(avatars.id, avatar.id), inArray(avatars.status, [...TRANSITIONS.cancel.from])))
    .returning({ id: avatars.id });
  return rows.length === 1 ? 'stopping' : 'too_late';
}
