import type { FastifyPluginAsync } from 'fastify';
import type { Update } from 'telegraf/types';
import { type Bot, handleClaimedUpdate, updateSubject } from '../bot/create-bot.js';
import { botIdentity } from '../bot/telegram-client.js';
import type { Db } from '../db/client.js';
import { claimUpdate, extendClaim, finishUpdates, releaseUpdate } from '../domain/telegram-updates.js';
import { sendError } from '../http/errors.js';
import { secretEquals } from '../http/secrets.js';
import type { BackgroundTasks } from '../runtime/background-tasks.js';
import { batched } from '../runtime/limiter.js';
import type { Metrics } from '../runtime/metrics.js';

export type TelegramWebhookOptions = {
  secret: string;
  botId: number;
  bot: Bot;
  db: Db;
  metrics: Metrics;
  tasks: BackgroundTasks;
  /** How long a claim holds; renewed every third of it while the handler runs. */
  leaseSeconds: number;
};

/** Retries of a mark that failed after its update's effects were committed: at most about ten minutes. */
const MARK_RETRY_DELAYS_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 120_000, 120_000, 300_000];

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
export const telegramWebhookRoutes: FastifyPluginAsync<TelegramWebhookOptions> = async (app, options) => {
  const { secret, botId, bot, db, metrics, tasks, leaseSeconds } = options;
  // Updates handled at about the same time are marked done together; each is answered after its mark is committed.
  const finish = batched(async (updateIds: number[]) => {
    await finishUpdates(db, botId, updateIds);
    return [];
  });
  /**
   * The handler returned: its effects (a charge, a generation) are committed, so the update is answered 200
   * whatever the mark does. A 503 would make Telegram deliver it again and, once the lease ran out, run it
   * again — a second charge. A failed mark (alone, or with its batch) is retried on its own, in the background.
   */
  const markDone = async (updateId: number) => {
    try {
      await finish(updateId);
    } catch (error) {
      app.log.warn({ err: error, update_id: updateId }, 'could not mark the update done; retrying in the background');
      tasks.run('mark-update-done', async () => {
        for (const delay of MARK_RETRY_DELAYS_MS) {
          await new Promise((resolve) => setTimeout(resolve, delay));
          const marked = await finishUpdates(db, botId, [updateId]).then(
            () => true,
            () => false,
          );
          if (marked) return;
        }
        app.log.error({ update_id: updateId }, 'the update was never marked done; a redelivery after its lease would run it again');
      });
    }
  };
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
      const claimed = await claimUpdate(db, botId, update.update_id, updateSubject(bot, update), leaseSeconds);
      if (claimed.claim === 'done') {
        settle('duplicate');
        return { ok: true, duplicate: true };
      }
      if (claimed.claim === 'busy') {
        // Being handled by another request: Telegram delivers it again.
        settle('busy');
        return sendError(reply, 503, 'this update is being handled; retry later');
      }
      // A handler slower than Telegram's 60 s is redelivered while it runs: the claim must outlast it.
      const renewal = setInterval(
        () => {
          extendClaim(db, botId, update.update_id, claimed.token, leaseSeconds).catch((error: unknown) =>
            request.log.warn({ err: error, update_id: update.update_id }, 'could not renew the update claim'),
          );
        },
        (leaseSeconds * 1000) / 3,
      );
      try {
        await handleClaimedUpdate(bot, update, claimed);
      } catch (error) {
        settle('failed');
        // Only what the bot's error boundary lets through gets here: an unavailable database.
        // Telegram will redeliver; give the claim back so that redelivery is handled (if even
        // that fails, the lease runs out and the redelivery after it is handled).
        await releaseUpdate(db, botId, update.update_id, claimed.token).catch((releaseError: unknown) =>
          request.log.error(
            { err: releaseError, update_id: update.update_id },
            'could not release the update claim; its lease will run out',
          ),
        );
        throw error;
      } finally {
        clearInterval(renewal);
      }
      await markDone(update.update_id);
      settle('handled');
      return { ok: true };
    },
  );
};
