import { botCommands } from '../bot/commands.js';
import { createTelegram } from '../bot/telegram-client.js';
import { loadConfig } from '../config.js';

/**
 * `npm run set-webhook`: points Telegram at PUBLIC_URL/telegram/webhook with the
 * configured secret, and registers the bot's commands.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.telegram.botToken) throw new Error('TELEGRAM_BOT_TOKEN is not set');
  if (!config.telegram.webhookSecretConfigured) {
    throw new Error('TELEGRAM_WEBHOOK_SECRET is not set: the service and Telegram must share it');
  }
  const telegram = createTelegram({ token: config.telegram.botToken, apiRoot: config.telegram.apiRoot });
  const url = `${config.publicUrl}/telegram/webhook`;
  await telegram.setWebhook(url, {
    secret_token: config.telegram.webhookSecret,
    allowed_updates: ['message', 'callback_query', 'pre_checkout_query'],
    max_connections: 40,
  });
  await telegram.setMyCommands(botCommands.ru);
  await telegram.setMyCommands(botCommands.en, { language_code: 'en' });
  const info = await telegram.getWebhookInfo();
  process.stdout.write(`Webhook set: ${info.url} (pending updates: ${info.pending_update_count})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`set-webhook failed: ${(error as Error).message}\n`);
  process.exit(1);
});
