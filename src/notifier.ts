import type { BackgroundTasks } from './background-tasks.js';
import type { Db } from './db/client.js';
import { type DrainResult, drainOutbox, type Sender } from './domain/notifications.js';

/** Sends the outbox: right after a commit that wrote to it (drainSoon), and from the status checker (drain). */
export type Notifier = {
  drain(): Promise<DrainResult>;
  /** Starts a drain in the background, after the current request is answered. */
  drainSoon(): void;
};

export function createNotifier(db: Db, send: Sender, tasks: BackgroundTasks): Notifier {
  const drain = () => drainOutbox(db, send);
  return { drain, drainSoon: () => tasks.run('drain-outbox', drain) };
}
