import type { Db } from '../db/client.js';
import { pruneProcessedUpdates } from './telegram-updates.js';

export type StatusCheckSummary = {
  checked: number;
  completed: number;
  failed: number;
  stillRunning: number;
  errors: number;
  notificationsSent: number;
  prunedUpdates: number;
};

const UPDATE_CLAIM_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The scheduler's periodic pass. Today it only prunes old update claims; the
 * training status check and outbox resend join it with the training feature.
 */
export async function runStatusCheck(db: Db, now = new Date()): Promise<StatusCheckSummary> {
  const prunedUpdates = await pruneProcessedUpdates(db, new Date(now.getTime() - UPDATE_CLAIM_RETENTION_MS));
  return { checked: 0, completed: 0, failed: 0, stillRunning: 0, errors: 0, notificationsSent: 0, prunedUpdates };
}
