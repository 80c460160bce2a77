import { createTelegram } from '../bot/telegram-client.js';
import { loadConfig } from '../config.js';
import { createDatabase } from '../db/client.js';
import { refundPayment } from '../domain/billing/payments.js';

const USAGE = 'usage: npm run refund -- <telegram_payment_charge_id> [--force]';

/**
 * `npm run refund -- <charge id>`: gives a Stars payment back through Telegram
 * (refundStarPayment) and takes what it credited off the user's balance, once.
 * A payment whose Stars were spent already is refunded only with --force (the
 * balance goes below zero); one never credited (it matched no offer) simply
 * goes back. The check and the refund happen under the user's row lock, so
 * Stars spent meanwhile are seen.
 */
async function main(args: string[]): Promise<void> {
  const force = args.includes('--force');
  const [chargeId, ...extra] = args.filter((a) => a !== '--force');
  if (!chargeId || extra.length > 0) throw new Error(USAGE);
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set: refunds are for a deployed bot and its database');
  if (!config.telegram.botToken) throw new Error('TELEGRAM_BOT_TOKEN is not set: Stars are refunded through the Bot API');
  const database = createDatabase(config.databaseUrl);
  const telegram = createTelegram({ token: config.telegram.botToken, apiRoot: config.telegram.apiRoot });
  try {
    const result = await refundPayment(database.db, chargeId, {
      force,
      async giveBack(payment) {
        try {
          await telegram.callApi(
            'refundStarPayment' as never,
            { user_id: payment.telegramUserId, telegram_payment_charge_id: payment.chargeId } as never,
          );
        } catch (error) {
          // Refunded by an earlier run that died before it wrote the ledger: only the ledger is missing.
          if (!/CHARGE_ALREADY_REFUNDED/.test((error as Error).message)) throw error;
        }
      },
    });
    if (!result.ok && result.why === 'spent') {
      const { payment, balance } = result;
      throw new Error(
        `the user has ${balance} ⭐ left of the ${payment.amount} ⭐ this payment credited: ` +
          `refunding would leave ${balance - payment.amount} ⭐. Run again with --force to refund anyway.`,
      );
    }
    if (!result.ok)
      throw new Error(result.why === 'unknown' ? `no payment with charge id ${chargeId}` : `${chargeId} was refunded already`);
    const { payment, balance } = result;
    process.stdout.write(
      `refunded ${payment.amount} ⭐ to Telegram user ${payment.telegramUserId} (charge ${payment.chargeId})` +
        (balance === null ? '\n' : `; their balance is now ${balance} ⭐\n`),
    );
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`refund failed: ${(error as Error).message}\n`);
  process.exit(1);
});
