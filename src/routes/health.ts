import type { FastifyPluginAsync } from 'fastify';
import { type Db, pingDatabase } from '../db/client.js';
import type { Storage } from '../storage/storage.js';

export type HealthOptions = { db: Db; storage: Storage };

const CHECK_TIMEOUT_MS = 2_000;

/** Resolves to undefined when the check answers in time, else to the reason it did not. */
async function probe(check: () => Promise<unknown>): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return undefined;
  } catch (error) {
    return (error as Error).message || 'unavailable';
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness (the process runs) and readiness (its database and storage answer). */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, { db, storage }) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  // Browsers ask for it on every page (the playground's): no icon, and no 404 in the logs.
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).header('cache-control', 'public, max-age=86400').send());

  app.get('/readyz', async (request, reply) => {
    const [database, files] = await Promise.all([probe(() => pingDatabase(db)), probe(() => storage.ping())]);
    // The reasons go to the log only: this route is public.
    const checks = { database: database ? 'unavailable' : 'ok', storage: files ? 'unavailable' : 'ok' };
    if (!database && !files) return { status: 'ready', checks };
    request.log.warn({ database, storage: files }, 'not ready');
    return reply.code(503).send({ error: 'ServiceUnavailable', message: 'a dependency is not answering', checks });
  });
};
