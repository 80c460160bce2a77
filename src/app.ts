import helmet from '@fastify/helmet';
import Fastify, { type FastifyError, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Bot } from './bot/create-bot.js';
import type { Config } from './config.js';
import { type Db, isDatabaseUnavailable } from './db/client.js';
import { startMissingSets } from './domain/sets/starts.js';
import { runStatusCheck } from './domain/status-check.js';
import type { BackgroundTasks } from './runtime/background-tasks.js';
import './http/request-outcome.js';
import type { Notifier } from './domain/notifier.js';
import type { FalFiles } from './fal/fal-files.js';
import type { FalHttp } from './fal/fal-http.js';
import type { FalWebhookVerifier } from './fal/webhook-signature.js';
import { sendError } from './http/errors.js';
import { checkStatusRoutes } from './routes/check-status.js';
import { falWebhookRoutes } from './routes/fal-webhook.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { telegramWebhookRoutes } from './routes/telegram-webhook.js';
import type { Metrics } from './runtime/metrics.js';
import type { Storage } from './storage/storage.js';

/** Everything the HTTP layer needs from outside; whoever creates these closes them. */
export type AppDeps = {
  logger: Logger;
  db: Db;
  storage: Storage;
  bot: Bot;
  falWebhookVerifier: FalWebhookVerifier;
  falHttp: FalHttp;
  falFiles: FalFiles;
  notifier: Notifier;
  metrics: Metrics;
  tasks: BackgroundTasks;
};

export type App = Awaited<ReturnType<typeof buildApp>>;

export async function buildApp(config: Config, deps: AppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: config.bodyLimitBytes,
    // Behind fly.io's proxy: take the client address from X-Forwarded-For.
    trustProxy: config.env === 'production',
    // Behind a load balancer a stopping instance answers 503. The playground is its own Bot API: updates in
    // flight when it stops still send their answers through it (local-bot-api.ts waits for them first).
    return503OnClosing: !config.telegram.playground,
    // One line per webhook with its outcome and duration (below), not two lines per request.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const { billing } = config;
  if ((billing.priceTraining > 0 || billing.priceGeneration > 0 || billing.priceShoot > 0) && !billing.supportContact) {
    // Refused in production by the config; elsewhere said once, so a staging bot is not launched without it unnoticed.
    deps.logger.warn('prices are set but SUPPORT_CONTACT is not: /paysupport can name nobody (required when NODE_ENV=production)');
  }

  // The playground is plain http on any host name (an IP on a LAN): no upgrade to https.
  await app.register(helmet, { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });

  // Keep-alive connections that were busy when shutdown began would keep the server open
  // after their answer: answers sent while closing ask the client to close the connection.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.decorateRequest('outcome', null);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    deps.metrics.http.observe({ method: request.method, route, status_code: String(status) }, reply.elapsedTime / 1000);
    const { msg = 'request', level, ...fields } = request.outcome ?? {};
    const line = { method: request.method, route, status, ms: Math.round(reply.elapsedTime), ...fields };
    // Healthy requests without an outcome (health checks, the playground's page) only at debug.
    request.log[level ?? (request.outcome || status >= 400 ? 'info' : 'debug')](line, msg);
  });
  // Every route speaks JSON only: anything else is refused with 415 before a handler sees it.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: error }, 'database unavailable');
      return sendError(reply, 503, 'the database is unavailable; retry later');
    }
    if (error.validation) return sendError(reply, 400, error.message);
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendError(reply, status, error.message);
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, 'internal error');
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, `no route ${request.method} ${request.url}`));

  await app.register(healthRoutes, { db: deps.db, storage: deps.storage });
  await app.register(telegramWebhookRoutes, {
    secret: config.telegram.webhookSecret,
    botId: config.telegram.botId,
    bot: deps.bot,
    db: deps.db,
    metrics: deps.metrics,
    tasks: deps.tasks,
    leaseSeconds: config.telegram.updateLeaseSeconds,
  });
  await app.register(falWebhookRoutes, {
    verifier: deps.falWebhookVerifier,
    db: deps.db,
    falHttp: deps.falHttp,
    notifier: deps.notifier,
    metrics: deps.metrics,
    tasks: deps.tasks,
    onTrainingCompleted: () =>
      deps.tasks.run('start-sets', () => startMissingSets({ ...deps, config }).then(() => deps.notifier.drainSoon())),
  });
  const check = async () => {
    const stop = deps.metrics.statusCheck.startTimer();
    try {
      return await runStatusCheck({
        db: deps.db,
        storage: deps.storage,
        falHttp: deps.falHttp,
        falFiles: deps.falFiles,
        notifier: deps.notifier,
        logger: deps.logger,
        config,
      });
    } finally {
      stop();
    }
  };
  await app.register(checkStatusRoutes, { token: config.internalApiToken, check });
  await app.register(metricsRoutes, { token: config.metricsToken, metrics: deps.metrics });

  if (config.telegram.playground || config.fal.simulator) {
    const { localTools } = await import('./local/index.js');
    await app.register(localTools, { config, check });
  }

  return app;
}
