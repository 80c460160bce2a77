import { eq, type SQL, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { type Db, isDatabaseUnavailable, rootMessage } from '../db/client.js';
import type { avatars, generations } from '../db/schema.js';
import type { FalFiles } from '../fal/fal-files.js';
import type { FalHttp } from '../fal/fal-http.js';
import type { Storage } from '../storage/storage.js';
import type { EventResult } from './fal-webhooks/apply.js';
import type { Notifier } from './notifier.js';

/** What the status check shares with its training and generation passes. */

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
  /** Stored webhook events of jobs that are not ours, deleted after a few days. */
  prunedEvents: number;
  prunedOffers: number;
  prunedTrainingRuns: number;
  /** Gallery cards shown more than two days ago, no longer kept up to date. */
  prunedCards: number;
  /** LoRAs of completed avatars copied into our storage. */
  lorasCopied: number;
  /** Previews, welcome sets and set submits started by the pass (a crash left them unmade). */
  setsStarted: number;
};

export type StatusCheckDeps = {
  db: Db;
  storage: Storage;
  falHttp: FalHttp;
  falFiles: FalFiles;
  notifier: Notifier;
  logger: Logger;
  config: Pick<Config, 'training' | 'checkStatusBudgetMs' | 'sets' | 'billing' | 'fal' | 'generation' | 'publicUrl'>;
};

/** What one pass of the trainings' or the generations' check works with. */
export type CheckPass = StatusCheckDeps & { summary: StatusCheckSummary; withinBudget: () => boolean };

const BATCH = 20;
/** A row taken by one checker is not taken by another for this long. */
const LEASE = '60 seconds';

/**
 * Checks in a row without a usable answer from FAL (or that could not store it)
 * before a row is failed. In a row: FAL's status answers 429 and 5xx now and
 * then over a two-hour training (fal-js retries them), and a training failed for
 * passing errors is refunded while FAL still delivers, and bills, its LoRA.
 */
const MAX_CHECK_FAILURES = 5;

/**
 * Runs one row's check in isolation: a row that throws (a result that cannot be
 * stored) never stops the others. A throw, like an answer FAL did not give
 * (`failed(detail)` from inside), counts against the row; a check that got an
 * answer clears the count; MAX_CHECK_FAILURES in a row end it with `giveUp(reason)`.
 */
export async function checkIsolated(
  pass: CheckPass,
  row: { id: string; table: typeof avatars | typeof generations; failures: number },
  check: (failed: (detail: string) => Promise<void>) => Promise<void>,
  giveUp: (reason: string) => Promise<void>,
): Promise<void> {
  let answered = true;
  const failed = async (detail: string) => {
    answered = false;
    pass.summary.errors += 1;
    pass.logger.warn({ id: row.id, detail }, 'no usable answer from FAL; the next check asks again');
    const [counted] = await pass.db
      .update(row.table)
      .set({ checkFailures: sql`${row.table.checkFailures} + 1` })
      .where(eq(row.table.id, row.id))
      .returning({ n: row.table.checkFailures });
    if ((counted?.n ?? 0) >= MAX_CHECK_FAILURES)
      await giveUp(`no usable answer in ${counted?.n} checks in a row: ${detail}`.slice(0, 2000));
  };
  try {
    await check(failed);
    // Only a row that had failures is written: a quiet check of a running job stays one read.
    if (answered && row.failures > 0) await pass.db.update(row.table).set({ checkFailures: 0 }).where(eq(row.table.id, row.id));
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw error;
    await failed(rootMessage(error)).catch((again: unknown) =>
      pass.logger.error({ err: again, id: row.id }, 'check of one row failed twice'),
    );
  }
}

/** Counts an ended training or generation in the summary. */
export function countEnded(summary: StatusCheckSummary, result: EventResult): void {
  if (!result.applied) return;
  if (result.kind === 'generation') summary[result.status === 'completed' ? 'generationsCompleted' : 'generationsFailed'] += 1;
  else summary[result.status === 'completed' ? 'completed' : 'failed'] += 1;
}

/**
 * Takes up to a batch of in-flight rows of `table` (trainings or generations)
 * that no checker looked at within the lease: SKIP LOCKED keeps concurrent
 * checkers off each other's rows, and the lease keeps them off rows another
 * checker took moments ago.
 */
export async function claimBatch<Row>(db: Db, table: typeof avatars | typeof generations, inFlight: SQL, columns: SQL): Promise<Row[]> {
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
