import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.js';
import { falSimulator } from './fal-simulator.js';
import { localBotApi } from './local-bot-api.js';
import { PAGE_HTML, PAGE_SCRIPT } from './playground-page.js';

/** How often the app checks statuses itself when FAL is simulated: no scheduler runs locally. */
const SIMULATED_CHECK_INTERVAL_MS = 30_000;

/**
 * The development tools, for runs without a bot token (the playground: a chat
 * page and a local Bot API telegraf talks to) or without a FAL key (the FAL
 * simulator, plus a status check every 30 s so a dropped webhook still
 * completes). app.ts imports this module only when one of them is on, so a
 * production start never loads it.
 */
export const localTools: FastifyPluginAsync<{ config: Config; check: () => Promise<unknown> }> = async (app, { config, check }) => {
  if (config.telegram.playground) {
    await app.register(localBotApi, {
      prefix: '/__playground',
      webhookSecret: config.telegram.webhookSecret,
      mediaBase: config.fal.baseUrl,
      dir: path.join(config.dataDir, 'playground'),
    });
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE_HTML));
    app.get('/__playground/app.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(PAGE_SCRIPT));
  }

  const simulator = config.fal.simulator;
  if (simulator && config.fal.baseUrl) {
    await app.register(falSimulator, {
      prefix: '/__fal',
      base: config.fal.baseUrl,
      config: { ...config, fal: { ...config.fal, simulator } },
    });
    const timer = setInterval(() => {
      check().catch((error: unknown) => app.log.error({ err: error }, 'local status check failed'));
    }, SIMULATED_CHECK_INTERVAL_MS);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }
};
