import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { storageDeletions } from '../db/schema.js';
import type { Storage } from '../storage/storage.js';

/** Deletes every stored file under `prefix`; a failure is recorded for the status checker, never thrown. */
export async function deleteStoredFiles(db: Db, storage: Storage, prefix: string): Promise<void> {
  try {
    await storage.deleteByPrefix(prefix);
  } catch (error) {
    await db
      .insert(storageDeletions)
      .values({ prefix, attempts: 1, lastError: (error as Error).message })
      .onConflictDoUpdate({
        target: storageDeletions.prefix,
        set: { attempts: sql`${storageDeletions.attempts} + 1`, lastError: (error as Error).message },
      });
  }
}

/** Retries the file deletions that failed; returns how many prefixes are now clean. */
export async function retryStorageDeletions(db: Db, storage: Storage): Promise<number> {
  const pending = await db.select().from(storageDeletions).limit(100);
  let done = 0;
  for (const { prefix } of pending) {
    try {
      await storage.deleteByPrefix(prefix);
      await db.delete(storageDeletions).where(eq(storageDeletions.prefix, prefix));
      done += 1;
    } catch (error) {
      await db
        .update(storageDeletions)
        .set({ attempts: sql`${storageDeletions.attempts} + 1`, lastError: (error as Error).message })
        .where(eq(storageDeletions.prefix, prefix));
    }
  }
  return done;
}
