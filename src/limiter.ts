/** Runs at most `max` pieces of work at once; the others wait their turn, first come first served. */
export function limiter(max: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(work: () => Promise<T>): Promise<T> {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await work();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/**
 * Group commit: `flush` runs for one item at once when none is running; items
 * that arrive while it runs are taken together by the next run. A quiet
 * service waits for nothing extra, a busy one makes one call per burst. Each
 * caller's promise settles with the run that took its item.
 */
export function batched<T>(flush: (items: T[]) => Promise<void>): (item: T) => Promise<void> {
  let queued: { item: T; settle: (error?: unknown) => void }[] = [];
  let running = false;
  const drain = async () => {
    running = true;
    while (queued.length > 0) {
      const batch = queued;
      queued = [];
      const error = await flush(batch.map((entry) => entry.item)).then(
        () => undefined,
        (failure: unknown) => failure ?? new Error('flush failed'),
      );
      for (const entry of batch) entry.settle(error);
    }
    running = false;
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      queued.push({ item, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!running) void drain();
    });
}
