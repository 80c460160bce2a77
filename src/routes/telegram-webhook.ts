import type { FastifyPluginAsync } from 'fastify';
import type { Update } from 'telegraf/types';
import { type Bot, handleClaimedUpdate, updateSubject } from '../bot/create-bot.js';
import { botIdentity } from '../bot/telegram-client.js';
import type { Db } from '../db/client.js';
import { claimUpdate, finishUpdates, releaseUpdate } from '../domain/telegram-updates.js';
import { sendError } from '../http/errors.js';
import { secretEquals } from '../http/secrets.js';
import { batched } from '../runtime/limiter.js';
import type { Metrics } from '../runtime/metrics.js';

export type TelegramWebhookOptions = { secret: string; botId: number; bot: Bot; db: Db; metrics: Metrics };

// Only the parts the bot relies on are checked: shapes Telegram never sends are refused
// here, with a 400, instead of failing inside a handler.
const payment = {
  type: 'object',
  required: ['currency', 'total_amount', 'invoice_payload', 'telegram_payment_charge_id'],
  properties: { total_amount: { type: 'integer' }, telegram_payment_charge_id: { type: 'string', minLength: 1 } },
} as const;
const message = {
  type: 'object',
  required: ['message_id', 'date', 'chat'],
  properties: {
    chat: { type: 'object', required: ['id', 'type'], properties: { id: { type: 'integer' } } },
    successful_payment: payment,
    refunded_payment: payment,
  },
} as const;
const user = { type: 'object', required: ['id', 'is_bot', 'first_name'], properties: { id: { type: 'integer' } } } as const;

const updateSchema = {
  type: 'object',
  required: ['update_id'],
  properties: {
    update_id: { type: 'integer', minimum: 0 },
    message,
    edited_message: message,
    channel_post: message,
    edited_channel_post: message,
    callback_query: { type: 'object', required: ['id', 'from', 'chat_instance'], properties: { from: user, message } },
    pre_checkout_query: {
      type: 'object',
      required: ['id', 'from', 'currency', 'total_amount', 'invoice_payload'],
      properties: { from: user, total_amount: { type: 'integer' } },
    },
  },
} as const;

/** Telegram's webhook: authenticated by the secret token Telegram echoes in a header. */
export const telegramWebhookRoutes: FastifyPluginAsync<TelegramWebhookOptions> = async (app, { secret, botId, bot, db, metrics }) => {
  // Updates handled at about the same time are marked done together; each is answered after its mark is committed.
  const finish = batched(async (updateIds: number[]) => {
    await finishUpdates(db, botId, updateIds);
    return [];
  });
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
    async (request, reply) => {
      const update = request.body;
      const kind = Object.keys(update).find((key) => key !== 'update_id') ?? 'unknown';
      const settle = (outcome: 'handled' | 'duplicate' | 'busy' | 'failed' | 'no_bot_identity') => {
        if (outcome !== 'no_bot_identity') metrics.telegramUpdates.inc({ outcome });
        request.outcome = { msg: 'telegram update', update_id: update.update_id, kind, outcome };
      };
      try {
        bot.botInfo ??= await botIdentity(bot.telegram);
      } catch (error) {
        settle('no_bot_identity');
        request.log.error({ err: error, update_id: update.update_id }, 'getMe failed; Telegram will deliver the update again');
        return sendError(reply, 503, 'the Bot API did not answer getMe; retry later');
      }
      const claimed = await claimUpdate(db, botId, update.update_id, updateSubject(bot, update));
      if (claimed.claim === 'done') {
        settle('duplicate');
        return { ok: true, duplicate: true };
      }
      if (claimed.claim === 'busy') {
        // Being handled by another request: Telegram delivers it again.
        settle('busy');
        return sendError(reply, 503, 'this update is being handled; retry later');
      }
      try {
        await handleClaimedUpdate(bot, update, claimed);
      } catch (error) {
        settle('failed');
        // Only what the bot's error boundary lets through gets here: an unavailable database.
        // Telegram will redeliver; give the claim back so that redelivery is handled (if even
        // that fails, the lease runs out and the redelivery after it is handled).
        await releaseUpdate(db, botId, update.update_id).catch((releaseError: unknown) =>
          request.log.error(
            { err: releaseError, update_id: update.update_id },
            'could not release the update claim; its lease will run out',
          ),
        );
        throw error;
      }
      await finish(update.update_id);
      settle('handled');
      return { ok: true };
    },
  );
};
