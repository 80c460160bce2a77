import type { Db } from '../db/client.js';
import type { BackgroundTasks } from '../runtime/background-tasks.js';
import { DRAIN_BATCH, type DrainResult, drainOutbox, type Sender } from './notifications.js';

/** Sends the outbox: right after a commit that wrote to it (drainSoon), and from the status checker (drain). */
export type Notifier = {
  drain(): Promise<DrainResult>;
  /** Starts a drain in the background, after the current request is answered. */
  drainSoon(): void;
};

export function createNotifier(db: Db, send: Sender, tasks: BackgroundTasks): Notifier {
  const drain = () => drainOutbox(db, send);
  // A burst of commits asks for many drains: one runs, and again after it while they wrote more or a batch was full.
  let running = false;
  let again = false;
  const drainSoon = () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    tasks.run('drain-outbox', async () => {
      try {
        let full: boolean;
        do {
          again = false;
          const { sent, retried, dead } = await drain();
          full = sent + retried + dead >= DRAIN_BATCH;
        } while (again || full);
      } finally {
        running = false;
      }
    });
  };
  return { drain, drainSoon };
}
