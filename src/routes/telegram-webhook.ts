import type { FastifyPluginAsync } from 'fastify';
import type { Update } from 'telegraf/types';
import type { Bot } from '../bot/create-bot.js';
import type { Db } from '../db/client.js';
import { claimUpdate, releaseUpdate } from '../domain/telegram-updates.js';
import { sendError } from '../http-errors.js';
import { secretEquals } from '../security.js';

export type TelegramWebhookOptions = { secret: string; bot: Bot; db: Db };

const updateSchema = {
  type: 'object',
  required: ['update_id'],
  properties: { update_id: { type: 'integer', minimum: 0 } },
} as const;

/** Telegram's webhook: authenticated by the secret token Telegram echoes in a header. */
export const telegramWebhookRoutes: FastifyPluginAsync<TelegramWebhookOptions> = async (app, { secret, bot, db }) => {
  app.post<{ Body: Update }>(
    '/telegram/webhook',
    {
      // Before the body is parsed: an unauthenticated caller learns nothing about what we accept.
      onRequest: async (request, reply) => {
        const presented = request.headers['x-telegram-bot-api-secret-token'];
        if (!secretEquals(Array.isArray(presented) ? presented[0] : presented, secret)) {
          return sendError(reply, 401, 'missing or wrong X-Telegram-Bot-Api-Secret-Token');
        }
      },
      schema: { body: updateSchema },
    },
    async (request) => {
      const update = request.body;
      const log = request.log.child({ update_id: update.update_id });
      if (!(await claimUpdate(db, update.update_id))) {
        log.info('duplicate update ignored');
        return { ok: true, duplicate: true };
      }
      try {
        await bot.handleUpdate(update);
      } catch (error) {
        // Only what the bot's error boundary lets through gets here: an unavailable database,
        // or the Bot API failing getMe before any handler ran. Telegram will redeliver;
        // give the claim back so that redelivery is handled.
        await releaseUpdate(db, update.update_id).catch((releaseError: unknown) =>
          log.error({ err: releaseError }, 'could not release the update claim; the redelivery will be skipped'),
        );
        throw error;
      }
      return { ok: true };
    },
  );
};
