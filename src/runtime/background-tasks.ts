import type { Logger } from 'pino';

/**
 * Work that must not hold a webhook request open (Telegram redelivers slow
 * updates): started after the answer, logged when it fails, and waited for
 * at shutdown. Whatever a crash interrupts is left in the database in a state
 * the status checker finishes or rolls back.
 */
export type BackgroundTasks = {
  run(name: string, task: () => Promise<unknown>): void;
  /**
   * Resolves when every started task has settled — those the tasks start on
   * their way too (a finished generation starts the outbox's drain) — or after `timeoutMs`.
   */
  drain(timeoutMs: number): Promise<void>;
};

export function createBackgroundTasks(logger: Logger): BackgroundTasks {
  const running = new Set<Promise<unknown>>();
  return {
    run(name, task) {
      const promise = Promise.resolve()
        .then(task)
        .catch((error: unknown) => logger.error({ err: error, task: name }, 'background task failed'))
        .finally(() => running.delete(promise));
      running.add(promise);
    },
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          timedOut = true;
          resolve();
        }, timeoutMs);
      });
      while (running.size > 0 && !timedOut) await Promise.race([Promise.allSettled([...running]), timeout]);
      clearTimeout(timer);
    },
  };
}
