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
 * caller's promise settles with the run that took its item, with that item's
 * result (`flush` returns one per item, in order; none when there are none) or the run's error.
 */
export function batched<T, R = void>(flush: (items: T[]) => Promise<R[]>): (item: T) => Promise<R> {
  type Entry = { item: T; resolve: (result: R) => void; reject: (error: unknown) => void };
  let queued: Entry[] = [];
  let running = false;
  const drain = async () => {
    running = true;
    while (queued.length > 0) {
      const batch = queued;
      queued = [];
      try {
        const results = await flush(batch.map((entry) => entry.item));
        for (const [i, entry] of batch.entries()) entry.resolve(results[i] as R);
      } catch (failure) {
        for (const entry of batch) entry.reject(failure ?? new Error('flush failed'));
      }
    }
    running = false;
  };
  return (item) =>
    new Promise<R>((resolve, reject) => {
      queued.push({ item, resolve, reject });
      if (!running) void drain();
    });
}
