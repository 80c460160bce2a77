import { type CheckPass, countEnded, type StatusCheckDeps, type StatusCheckSummary } from './check-pass.js';

export type { StatusCheckDeps, StatusCheckSummary };

const UPDATE_CLAIM_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

import { applyPendingWebhookEvents, pruneForeignEvents } from './fal-webhook-events.js';
import { checkGenerations } from './generation/check.js';
import { retryStorageDeletions } from './storage-deletions.js';
import { pruneProcessedUpdates } from './telegram-updates.js';
import { checkTrainings, rollBackInterruptedSubmissions } from './training/check.js';

/**
 * The scheduler's pass, the fallback for lost webhooks. Within a time budget:
 * applies webhook events that arrived before their submit returned; rolls back
 * submissions a crash interrupted; asks FAL about every training and generation
 * (batches claimed with SKIP LOCKED and a lease, so concurrent checkers share
 * the work and never double it); completes finished ones through the same
 * functions the webhook uses; fails those past their timeout; sends the outbox;
 * retries failed file deletions; prunes old update claims.
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
    prunedEvents: 0,
  };
  const pass: CheckPass = { ...deps, summary, withinBudget: () => Date.now() - started < config.checkStatusBudgetMs };

  for (const result of await applyPendingWebhookEvents(deps)) {
    if ('error' in result) summary.errors += 1;
    countEnded(summary, result);
  }
  summary.interrupted = await rollBackInterruptedSubmissions(db, config.training.submitStuckMs);
  await checkTrainings(pass);
  await checkGenerations(pass);

  summary.notificationsSent = (await deps.notifier.drain()).sent;
  summary.filesDeleted = await retryStorageDeletions(db, deps.storage);
  summary.prunedUpdates = await pruneProcessedUpdates(db, new Date(Date.now() - UPDATE_CLAIM_RETENTION_MS));
  summary.prunedEvents = await pruneForeignEvents(db);
  const busy = Object.values(summary).some((n) => n > 0);
  deps.logger[busy ? 'info' : 'debug']({ ...summary, ms: Date.now() - started }, 'status check done');
  return summary;
}
