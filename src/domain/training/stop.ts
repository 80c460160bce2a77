import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { avatars } from '../../db/schema.js';
import type { FalHttp } from '../../fal/fal-http.js';
import { TRANSITIONS } from '../avatar-lifecycle.js';
import type { Avatar } from '../avatars.js';
import { cancelFalJob } from '../fal-jobs.js';

export type StopResult = 'stopped' | 'too_late' | 'unreachable';

/**
 * Cancels a running training at FAL, then marks it cancelled. FAL refusing
 * (the job is finishing) leaves it to complete normally; FAL not answering
 * changes nothing, so the user can try again.
 */
export async function stopTraining(db: Db, falHttp: FalHttp, avatar: Avatar): Promise<StopResult> {
  if (avatar.status !== 'training' || !avatar.falCancelUrl) return 'too_late';
  const cancel = await cancelFalJob(falHttp, avatar.falCancelUrl);
  if (cancel !== 'requested') return cancel;
  const { from, to } = TRANSITIONS.cancel;
  const rows = await db
    .update(avatars)
    .set({ status: to, error: 'cancelled by the user', trainingFinishedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(avatars.id, avatar.id), inArray(avatars.status, [...from])))
    .returning({ id: avatars.id });
  return rows.length === 1 ? 'stopped' : 'too_late';
}
