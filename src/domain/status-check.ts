import { type CheckPass, countEnded, type StatusCheckDeps, type StatusCheckSummary } from './check-pass.js';
import { startMissingSets } from './sets/starts.js';
import { copyLoras } from './training/lora-copy.js';

export type { StatusCheckDeps, StatusCheckSummary };

/**
 * Update claims, offers and training attempts are kept a week: long past Telegram's 24 h of
 * redeliveries, an offer's 24 h at checkout, the daily limit's 24 h window and FAL's late webhooks.
 */
const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

import { pruneTrainingRuns } from './billing/charges.js';
import { pruneOffers } from './billing/payments.js';
import { applyPendingWebhookEvents } from './fal-webhooks/apply.js';
import { pruneForeignEvents } from './fal-webhooks/prune.js';
import { checkGenerations } from './generation/check.js';
import { pruneShownCards } from './shown-cards.js';
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
 * copies new LoRAs into storage (domain/training/lora-copy.ts); retries failed
 * file deletions; prunes old update claims, offers and attempts.
 */
/** LoRAs copied into storage by one pass. */
const LORAS_A_PASS = 3;

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
    prunedOffers: 0,
    prunedTrainingRuns: 0,
    prunedCards: 0,
    lorasCopied: 0,
    setsStarted: 0,
  };
  const pass: CheckPass = { ...deps, summary, withinBudget: () => Date.now() - started < config.checkStatusBudgetMs };

  for (const result of await applyPendingWebhookEvents(deps)) {
    if ('error' in result) summary.errors += 1;
    countEnded(summary, result);
  }
  summary.interrupted = await rollBackInterruptedSubmissions(db, config.training.submitStuckMs);
  await checkTrainings(pass);
  await checkGenerations(pass);
  // A few a pass: each is a download of tens to hundreds of megabytes.
  if (pass.withinBudget()) summary.lorasCopied = await copyLoras(deps, LORAS_A_PASS);
  // Previews and welcome sets a crash left unmade, set pictures never submitted.
  if (pass.withinBudget()) summary.setsStarted = await startMissingSets(deps);

  summary.notificationsSent = (await deps.notifier.drain()).sent;
  summary.filesDeleted = await retryStorageDeletions(db, deps.storage);
  const weekAgo = new Date(Date.now() - RETENTION_MS);
  summary.prunedUpdates = await pruneProcessedUpdates(db, weekAgo);
  summary.prunedEvents = await pruneForeignEvents(db);
  summary.prunedOffers = await pruneOffers(db, weekAgo);
  summary.prunedTrainingRuns = await pruneTrainingRuns(db, weekAgo);
  summary.prunedCards = await pruneShownCards(db);
  const busy = Object.values(summary).some((n) => n > 0);
  deps.logger[busy ? 'info' : 'debug']({ ...summary, ms: Date.now() - started }, 'status check done');
  return summary;
}
