import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { avatars, users } from '../../db/schema.js';
import { TRANSITIONS } from '../avatar-lifecycle.js';
import { releaseTrainingRun } from '../billing/charges.js';
import { type CheckPass, checkIsolated, claimBatch, countEnded } from '../check-pass.js';
import { askFal, cancelFalJob } from '../fal-jobs.js';
import { enqueueNotification } from '../notifications.js';
import { completeTraining } from './completion.js';
import { normalizeTrainingOutput, type TrainingOutcome } from './result.js';

type Claimed = {
  id: string;
  fal_request_id: string;
  fal_status_url: string | null;
  fal_response_url: string | null;
  check_failures: number;
  fal_cancel_url: string | null;
  cancel_requested_at: Date | string | null;
  training_started_at: Date | string | null;
};

/** Asks FAL about every running training, batch by batch, while the budget lasts. */
export async function checkTrainings(pass: CheckPass): Promise<void> {
  while (pass.withinBudget()) {
    const claimed = await claimBatch<Claimed>(
      pass.db,
      avatars,
      sql`status = 'training'`,
      sql`id, fal_request_id, fal_status_url, fal_response_url, fal_cancel_url, cancel_requested_at, training_started_at, check_failures`,
    );
    if (claimed.length === 0) return;
    await Promise.all(claimed.map((row) => checkTraining(pass, row)));
  }
}

async function checkTraining(pass: CheckPass, row: Claimed): Promise<void> {
  const { summary } = pass;
  const log = pass.logger.child({ avatar_id: row.id, fal_request_id: row.fal_request_id });
  summary.checked += 1;
  const finish = async (outcome: TrainingOutcome) => {
    const done = await completeTraining(pass.db, row.fal_request_id, outcome);
    countEnded(summary, done.applied ? { ...done, kind: 'training' } : done);
  };
  const giveUp = (reason: string) => finish({ kind: 'failed', code: 'provider_error', reason, raw: null });

  await checkIsolated(
    pass,
    { id: row.id, table: avatars, failures: row.check_failures },
    async (failed) => {
      const startedAt = row.training_started_at ? new Date(row.training_started_at).getTime() : Date.now();
      if (Date.now() - startedAt > pass.config.training.timeoutMs) {
        if (row.fal_cancel_url && (await cancelFalJob(pass.falHttp, row.fal_cancel_url)) === 'unreachable') {
          log.warn('could not cancel the timed-out training at FAL');
        }
        return finish({ kind: 'failed', code: 'timed_out', reason: 'timed out', raw: null });
      }
      if (!row.fal_status_url || !row.fal_response_url) return failed('the training has no status or response URL');
      const verdict = await askFal(pass.falHttp, row.fal_status_url, row.fal_response_url);
      if (verdict.state === 'running') {
        summary.stillRunning += 1;
        const progress = {
          phase: verdict.phase,
          queuePosition: verdict.queuePosition,
          log: verdict.log,
          checkedAt: new Date().toISOString(),
        };
        await pass.db
          .update(avatars)
          .set({ falProgress: progress })
          .where(and(eq(avatars.id, row.id), inArray(avatars.status, [...TRANSITIONS.complete.from])));
      } else if (verdict.state === 'done') await finish(normalizeTrainingOutput(verdict.output));
      else if (verdict.state === 'failed')
        await finish({ kind: 'failed', code: 'provider_error', reason: verdict.reason, raw: verdict.body });
      // FAL removes a queued job it was asked to cancel, and sends no webhook: it ended, cancelled.
      else if (verdict.state === 'gone' && row.cancel_requested_at)
        await finish({ kind: 'failed', code: 'provider_error', reason: 'cancelled: FAL removed the queued job', raw: null });
      else await failed(verdict.detail);
    },
    giveUp,
  );
}

/**
 * A crash between "start training" and the submit's answer leaves the avatar
 * submitting. Past the limit it goes back to ready, and the user is told so
 * with a retry button.
 */
export async function rollBackInterruptedSubmissions(db: Db, stuckMs: number): Promise<number> {
  return db.transaction(async (tx) => {
    const stuck = await tx
      .update(avatars)
      .set({ status: TRANSITIONS.abandonSubmission.to, error: 'submission interrupted', updatedAt: new Date() })
      .where(and(inArray(avatars.status, [...TRANSITIONS.abandonSubmission.from]), lt(avatars.updatedAt, new Date(Date.now() - stuckMs))))
      .returning();
    for (const avatar of stuck) {
      const refunded = await releaseTrainingRun(tx, avatar.submitKey);
      const [user] = await tx.select().from(users).where(eq(users.id, avatar.userId));
      if (!user) continue;
      await enqueueNotification(tx, {
        chatId: user.chatId,
        dedupeKey: `submit-interrupted:${avatar.id}:${avatar.updatedAt.getTime()}`,
        payload: {
          type: 'training_failed',
          avatarId: avatar.id,
          avatarName: avatar.name,
          languageCode: user.languageCode,
          code: 'submit_interrupted',
          refunded,
        },
      });
    }
    return stuck.length;
  });
}
