import { and, eq, lt, type SQL, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { avatars, generations, users } from '../db/schema.js';
import type { FalAnswer, FalHttp } from '../fal/fal-http.js';
import type { Notifier } from '../notifier.js';
import type { Storage } from '../storage/storage.js';
import { retryStorageDeletions } from './avatars.js';
import { applyPendingWebhookEvents, type EventResult } from './fal-webhook-events.js';
import { completeGeneration, failGeneration, type GenerationOutcome, normalizeGenerationOutput } from './generation.js';
import { enqueueNotification } from './notifications.js';
import { pruneProcessedUpdates } from './telegram-updates.js';
import { type CompletionResult, completeTraining } from './training-completion.js';
import { normalizeTrainingOutput, type TrainingOutcome } from './training-result.js';

export type StatusCheckSummary = {
  checked: number;
  completed: number;
  failed: number;
  stillRunning: number;
  errors: number;
  notificationsSent: number;
  /** Submissions a crash interrupted, put back to ready. */
  interrupted: number;
  generationsCompleted: number;
  generationsFailed: number;
  /** Avatar files whose earlier deletion failed, now deleted. */
  filesDeleted: number;
  prunedUpdates: number;
};

export type StatusCheckDeps = {
  db: Db;
  storage: Storage;
  falHttp: FalHttp;
  notifier: Notifier;
  logger: Logger;
  config: Pick<Config, 'training' | 'checkStatusBudgetMs'>;
};

const UPDATE_CLAIM_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const BATCH = 20;
/** A training taken by one checker is not taken by another for this long. */
const LEASE = '60 seconds';

type Claimed = {
  id: string;
  fal_request_id: string;
  fal_status_url: string | null;
  fal_response_url: string | null;
  fal_cancel_url: string | null;
  training_started_at: Date | string | null;
};

function count(summary: StatusCheckSummary, result: CompletionResult | EventResult): void {
  if (!result.applied) return;
  if ('kind' in result && result.kind === 'generation')
    summary[result.status === 'completed' ? 'generationsCompleted' : 'generationsFailed'] += 1;
  else summary[result.status === 'completed' ? 'completed' : 'failed'] += 1;
}

/**
 * Takes up to a batch of in-flight rows of `table` (trainings or generations)
 * that no checker looked at within the lease: SKIP LOCKED keeps concurrent
 * checkers off each other's rows, and the lease keeps them off rows another
 * checker took moments ago.
 */
async function claimBatch<Row>(db: Db, table: typeof avatars | typeof generations, inFlight: SQL, columns: SQL): Promise<Row[]> {
  const claimed = await db.execute(sql`
    update ${table} set status_checked_at = now()
    where id in (
      select id from ${table}
      where ${inFlight}
        and (status_checked_at is null or status_checked_at < now() - ${LEASE}::interval)
      order by status_checked_at nulls first, created_at
      limit ${BATCH}
      for update skip locked
    )
    returning ${columns}`);
  return claimed.rows as Row[];
}

type FalVerdict =
  | { state: 'running' }
  | { state: 'done'; output: unknown }
  /** FAL has no FAILED status: a failed job is COMPLETED and its result fetch fails with a 4xx. */
  | { state: 'failed'; reason: string; body: unknown }
  /** No usable answer (network, 5xx): the next check asks again. */
  | { state: 'unknown'; detail: string };

/** Asks FAL about one job through the URLs stored at submit, never rebuilt from the model id. */
async function askFal(falHttp: FalHttp, statusUrl: string, responseUrl: string): Promise<FalVerdict> {
  try {
    const status = await falHttp.get(statusUrl);
    if (status.status !== 200) return { state: 'unknown', detail: `status answered ${status.status}: ${detailOf(status)}` };
    if ((status.body as { status?: unknown }).status !== 'COMPLETED') return { state: 'running' };
    const result = await falHttp.get(responseUrl);
    if (result.status >= 200 && result.status < 300) return { state: 'done', output: result.body };
    if (result.status >= 400 && result.status < 500) {
      return { state: 'failed', reason: `result fetch answered ${result.status}: ${detailOf(result)}`, body: result.body };
    }
    return { state: 'unknown', detail: `result fetch answered ${result.status}` };
  } catch (error) {
    return { state: 'unknown', detail: (error as Error).message };
  }
}

const detailOf = (answer: FalAnswer) => {
  const body = answer.body as { detail?: unknown } | string;
  const detail = typeof body === 'object' && body !== null && 'detail' in body ? body.detail : body;
  return (typeof detail === 'string' ? detail : JSON.stringify(detail)).slice(0, 500);
};

/**
 * The scheduler's pass, the fallback for lost webhooks. Within a time budget:
 * applies webhook events that arrived before their submit returned; rolls back
 * submissions a crash interrupted; asks FAL about every training (batches
 * claimed with SKIP LOCKED and a lease, so concurrent checkers share the work
 * and never double it); completes finished ones through the same function the
 * webhook uses; fails trainings past the timeout; sends the outbox.
 */
export async function runStatusCheck(deps: StatusCheckDeps): Promise<StatusCheckSummary> {
  const { db, config } = deps;
  const started = Date.now();
  const summary: StatusCheckSummary = {
    checked: 0,
    completed: 0,
    failed: 0,
    stillRunning: 0,
    errors: 0,
    notificationsSent: 0,
    interrupted: 0,
    generationsCompleted: 0,
    generationsFailed: 0,
    filesDeleted: 0,
    prunedUpdates: 0,
  };

  for (const result of await applyPendingWebhookEvents(db)) count(summary, result);
  summary.interrupted = await rollBackInterruptedSubmissions(db, config.training.submitStuckMs);

  while (Date.now() - started < config.checkStatusBudgetMs) {
    const claimed = await claimBatch<Claimed>(
      db,
      avatars,
      sql`status = 'training'`,
      sql`id, fal_request_id, fal_status_url, fal_response_url, fal_cancel_url, training_started_at`,
    );
    if (claimed.length === 0) break;
    await Promise.all(claimed.map((row) => checkOne(deps, row, summary)));
  }

  await checkGenerations(deps, started, summary);

  summary.notificationsSent = (await deps.notifier.drain()).sent;
  summary.filesDeleted = await retryStorageDeletions(db, deps.storage);
  summary.prunedUpdates = await pruneProcessedUpdates(db, new Date(Date.now() - UPDATE_CLAIM_RETENTION_MS));
  const busy = Object.values(summary).some((n) => n > 0);
  deps.logger[busy ? 'info' : 'debug']({ ...summary, ms: Date.now() - started }, 'status check done');
  return summary;
}

async function checkOne(deps: StatusCheckDeps, row: Claimed, summary: StatusCheckSummary): Promise<void> {
  const log = deps.logger.child({ avatar_id: row.id, fal_request_id: row.fal_request_id });
  summary.checked += 1;
  const finish = async (outcome: TrainingOutcome) => count(summary, await completeTraining(deps.db, row.fal_request_id, outcome));

  const startedAt = row.training_started_at ? new Date(row.training_started_at).getTime() : Date.now();
  if (Date.now() - startedAt > deps.config.training.timeoutMs) {
    if (row.fal_cancel_url) await deps.falHttp.put(row.fal_cancel_url).catch((error: unknown) => log.warn({ err: error }, 'cancel failed'));
    return finish({ kind: 'failed', code: 'timed_out', reason: 'timed out', raw: null });
  }
  if (!row.fal_status_url || !row.fal_response_url) {
    summary.errors += 1;
    return log.error('training has no status or response URL');
  }
  const verdict = await askFal(deps.falHttp, row.fal_status_url, row.fal_response_url);
  if (verdict.state === 'running') summary.stillRunning += 1;
  else if (verdict.state === 'done') await finish(normalizeTrainingOutput(verdict.output));
  else if (verdict.state === 'failed') await finish({ kind: 'failed', code: 'provider_error', reason: verdict.reason, raw: verdict.body });
  else {
    summary.errors += 1;
    log.warn({ detail: verdict.detail }, 'no answer from FAL; the next check asks again');
  }
}

/**
 * A crash between "start training" and the submit's answer leaves the avatar
 * submitting. Past the limit it goes back to ready, and the user is told so
 * with a retry button.
 */
async function rollBackInterruptedSubmissions(db: Db, stuckMs: number): Promise<number> {
  return db.transaction(async (tx) => {
    const stuck = await tx
      .update(avatars)
      .set({ status: 'ready', error: 'submission interrupted', updatedAt: new Date() })
      .where(and(eq(avatars.status, 'submitting'), lt(avatars.updatedAt, new Date(Date.now() - stuckMs))))
      .returning();
    for (const avatar of stuck) {
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
        },
      });
    }
    return stuck.length;
  });
}

const GENERATION_TIMEOUT_MS = 30 * 60_000;

type ClaimedGeneration = {
  id: string;
  fal_request_id: string;
  fal_status_url: string | null;
  fal_response_url: string | null;
  created_at: Date | string;
};

/** The same fallback for generations whose webhook is lost: claimed with a lease, asked about by their stored URLs. */
async function checkGenerations(deps: StatusCheckDeps, started: number, summary: StatusCheckSummary): Promise<void> {
  const { db } = deps;
  const stuck = await db
    .select({ id: generations.id })
    .from(generations)
    .where(and(eq(generations.status, 'pending'), lt(generations.createdAt, new Date(Date.now() - deps.config.training.submitStuckMs))));
  for (const { id } of stuck) {
    await failGeneration(db, id, 'submission interrupted', 'provider_error');
    summary.generationsFailed += 1;
  }
  while (Date.now() - started < deps.config.checkStatusBudgetMs) {
    const claimed = await claimBatch<ClaimedGeneration>(
      db,
      generations,
      sql`status = 'running'`,
      sql`id, fal_request_id, fal_status_url, fal_response_url, created_at`,
    );
    if (claimed.length === 0) return;
    await Promise.all(
      claimed.map(async (row) => {
        const finish = async (outcome: GenerationOutcome) => {
          const done = await completeGeneration(db, row.fal_request_id, outcome);
          if (done) summary[done.status === 'completed' ? 'generationsCompleted' : 'generationsFailed'] += 1;
        };
        if (Date.now() - new Date(row.created_at).getTime() > GENERATION_TIMEOUT_MS) {
          return finish({ kind: 'failed', code: 'timed_out', reason: 'timed out', raw: null });
        }
        if (!row.fal_status_url || !row.fal_response_url) return;
        const verdict = await askFal(deps.falHttp, row.fal_status_url, row.fal_response_url);
        if (verdict.state === 'done') await finish(normalizeGenerationOutput(verdict.output));
        else if (verdict.state === 'failed')
          await finish({ kind: 'failed', code: 'provider_error', reason: verdict.reason, raw: verdict.body });
        else if (verdict.state === 'unknown') summary.errors += 1;
      }),
    );
  }
}
