import type { Logger } from 'pino';
import type { AppDeps } from './app.js';
import { createBot } from './bot/create-bot.js';
import { createNotificationSender } from './bot/notification-sender.js';
import { createTelegram } from './bot/telegram-client.js';
import type { Config } from './config.js';
import { createDatabase, type Database, runMigrations } from './db/client.js';
import { type EmbeddedPostgres, ensureDatabase, startEmbeddedPostgres } from './db/embedded/launcher.js';
import { createNotifier } from './domain/notifier.js';
import { createPromptAssistant } from './domain/prompts/assistant.js';
import { serviceCounts } from './domain/service-counts.js';
import { readCatalog, seedCatalog } from './domain/sets/catalog.js';
import { countedFaceDetector, createFaceDetector } from './faces/face-detector.js';
import { instrumentFalHttp } from './fal/counted-fal-http.js';
import { createFal } from './fal/fal-client.js';
import { createFalFiles } from './fal/fal-files.js';
import { createFalHttp } from './fal/fal-http.js';
import { createFalWebhookVerifier } from './fal/webhook-signature.js';
import { type BackgroundTasks, createBackgroundTasks } from './runtime/background-tasks.js';
import { createMetrics } from './runtime/metrics.js';
import { createStorage } from './storage/create-storage.js';

const EMBEDDED_DATABASE = 'avatar_bot';

export type Deps = AppDeps & {
  tasks: BackgroundTasks;
  /** Waits for background work, then closes what was opened: face worker, storage client, pool, embedded PostgreSQL. */
  close(): Promise<void>;
};

/** Opens the database (embedded unless DATABASE_URL is set), migrates it, and wires the ports. */
export async function createDeps(config: Config, logger: Logger): Promise<Deps> {
  let embedded: EmbeddedPostgres | undefined;
  let database: Database | undefined;
  try {
    let url = config.databaseUrl;
    if (!url) {
      const pgLog = logger.child({ component: 'embedded-postgres' });
      embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, log: (line) => pgLog.debug(line) });
      await ensureDatabase(embedded.adminUrl, EMBEDDED_DATABASE);
      url = embedded.urlFor(EMBEDDED_DATABASE);
      logger.info({ dataDir: config.dataDir, cluster: embedded.clusterDir, binaries: embedded.binariesDir }, 'embedded PostgreSQL started');
    }
    database = createDatabase(url, { onError: (err) => logger.warn({ err }, 'idle database connection failed') });
    await runMigrations(database);
    // The photo-shoot catalogue ships as a file: each start brings the database up to it.
    await seedCatalog(database.db, await readCatalog());
  } catch (error) {
    await database?.close();
    await embedded?.stop();
    throw error;
  }

  const { storage, kind, close: closeStorage } = createStorage(config);
  logger.info({ storage: kind }, 'storage ready');
  const fal = createFal(config);
  const tasks = createBackgroundTasks(logger);
  const telegram = createTelegram({ token: config.telegram.botToken, apiRoot: config.telegram.apiRoot });
  const metrics = createMetrics(serviceCounts(database.db));
  const faces = config.faces.check ? { detector: countedFaceDetector(createFaceDetector(), metrics), rules: config.faces } : null;
  // The models load in the background now, not on the first user's first photo.
  faces?.detector.warm().catch((err: unknown) => logger.error({ err }, 'face models not loaded'));
  const notifier = createNotifier(database.db, createNotificationSender(telegram, { db: database.db, storage, config, faces }), tasks);
  const falHttp = instrumentFalHttp(createFalHttp(config), metrics);
  const falFiles = createFalFiles(config, fal);
  const prompts = config.prompts.assistant
    ? createPromptAssistant({
        db: database.db,
        falHttp,
        logger,
        config,
        onOutcome: (outcome) => metrics.promptRewrites.inc({ outcome }),
      })
    : null;
  const bot = createBot(telegram, { db: database.db, storage, fal, falHttp, falFiles, faces, prompts, tasks, notifier, logger, config });
  const falWebhookVerifier = createFalWebhookVerifier({ jwksUrl: config.fal.webhookJwksUrl });

  const db = database;
  return {
    logger,
    db: db.db,
    storage,
    bot,
    falWebhookVerifier,
    falHttp,
    falFiles,
    notifier,
    metrics,
    tasks,
    async close() {
      await tasks.drain(config.shutdownTimeoutMs);
      await faces?.detector.close();
      closeStorage();
      await db.close();
      await embedded?.stop();
    },
  };
}
