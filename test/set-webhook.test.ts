import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startFakeTelegram } from './support/fakes/telegram-api.js';
import { BOT_TOKEN, WEBHOOK_SECRET } from './support/helper.js';

const CLI = fileURLToPath(new URL('../src/cli/set-webhook.ts', import.meta.url));

async function runCli(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, output };
}

t.test('npm run set-webhook registers the webhook with its secret and the commands', async (t) => {
  const telegram = await startFakeTelegram(BOT_TOKEN);
  t.teardown(telegram.close);
  const { code } = await runCli({
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TELEGRAM_API_ROOT: telegram.url,
    PUBLIC_URL: 'https://bot.example.com',
  });
  t.equal(code, 0);
  const [setWebhook] = telegram.callsOf('setWebhook');
  t.equal(setWebhook?.payload.url, 'https://bot.example.com/telegram/webhook');
  t.equal(setWebhook?.payload.secret_token, WEBHOOK_SECRET);
  t.same(setWebhook?.payload.allowed_updates, ['message', 'callback_query', 'pre_checkout_query']);
  const commands = telegram.callsOf('setMyCommands');
  t.equal(commands.length, 2);
  t.same(commands[1]?.payload.language_code, 'en');
});

t.test('set-webhook refuses to run without a shared secret', async (t) => {
  const { code, output } = await runCli({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:9' });
  t.equal(code, 1);
  t.match(output, /TELEGRAM_WEBHOOK_SECRET is not set/);
});
