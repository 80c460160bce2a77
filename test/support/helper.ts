import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import type { Test } from 'tap';
import type { Update } from 'telegraf/types';
import { type App, buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createDeps, type Deps } from '../../src/deps.js';
import { createLogger } from '../../src/runtime/logger.js';
import { type FakeFal, startFakeFal } from './fakes/fal-api.js';
import { type FakeTelegram, startFakeTelegram } from './fakes/telegram-api.js';
import { databaseUrl, dropDatabaseSql, withAdmin } from './postgres-admin.js';

export const BOT_TOKEN = '123456789:TEST-token_abcdefghijklmnopqrstuvwxyz';
export const WEBHOOK_SECRET = 'telegram-webhook-secret-for-tests';
export const INTERNAL_TOKEN = 'internal-api-token-for-tests';

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm test`');
  return url;
}

/**
 * A database of this test's own, dropped at teardown: a copy of the run's
 * migrated template, or empty with `{ migrated: false }`.
 */
export async function createTestDatabase(t: Test, { migrated = true } = {}): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const template = process.env.TEST_TEMPLATE_DATABASE;
  if (!template) throw new Error('TEST_TEMPLATE_DATABASE is not set: run the tests with `npm test`');
  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const from = migrated ? ` template ${pg.escapeIdentifier(template)}` : '';
  await withAdmin(serverUrl(), (c) => c.query(`create database ${pg.escapeIdentifier(name)}${from}`));
  const drop = () => withAdmin(serverUrl(), (c) => c.query(dropDatabaseSql(name))).then(() => {});
  t.teardown(drop);
  return { name, url: databaseUrl(serverUrl(), name), drop };
}

/** Log lines the app wrote, kept so tests can check what reaches the logs. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

/** The settings that point the app at a test's database and at the fake Telegram and FAL. */
export function serviceEnv(ports: { databaseUrl: string; telegram: FakeTelegram; fal: FakeFal }): Record<string, string> {
  return {
    DATABASE_URL: ports.databaseUrl,
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TELEGRAM_API_ROOT: ports.telegram.url,
    FAL_KEY: 'fal-test-key:secret',
    FAL_BASE_URL: ports.fal.url,
    FAL_WEBHOOK_JWKS_URL: ports.fal.jwksUrl,
    INTERNAL_API_TOKEN: INTERNAL_TOKEN,
  };
}

export type TestEnv = {
  app: App;
  deps: Deps;
  config: Config;
  telegram: FakeTelegram;
  fal: FakeFal;
  logs: LogCapture;
  database: { name: string; url: string; drop(): Promise<void> };
};

/**
 * The real app on a database of its own, with the Telegram Bot API and FAL
 * replaced by local fakes at the HTTP edge. Everything is closed at teardown.
 */
export async function buildTestApp(t: Test, env: Record<string, string> = {}): Promise<TestEnv> {
  const database = await createTestDatabase(t);
  const telegram = await startFakeTelegram(BOT_TOKEN);
  t.teardown(telegram.close);
  const fal = await startFakeFal();
  t.teardown(fal.close);

  const config = loadConfig({
    NODE_ENV: 'test',
    // t.testdir() empties the directory, so it is only made when the test brings none.
    DATA_DIR: env.DATA_DIR ?? t.testdir(),
    ...serviceEnv({ databaseUrl: database.url, telegram, fal }),
    LOG_LEVEL: 'info',
    // Most tests upload drawn portraits, in which there is no real face: the face tests turn the check on.
    FACE_CHECK: 'off',
    // Most tests check the words drawn as typed: the prompt assistant's tests turn it on.
    PROMPT_ASSISTANT: 'off',
    // The preview and the welcome set add FAL jobs to every training: the sets' tests turn them on.
    PREVIEW_PICTURES: '0',
    WELCOME_PICTURES: '0',
    ...env,
  });
  return { ...(await startService(t, config)), config, telegram, fal, database };
}

/** The app and its dependencies on `config`, with its logs captured; closed when the test ends. */
async function startService(t: Test, config: Config) {
  const logs = new LogCapture();
  const deps = await createDeps(config, createLogger(config, logs));
  const app = await buildApp(config, deps);
  t.teardown(async () => {
    await app.close();
    await deps.close();
  });
  return { app, deps, logs };
}

/**
 * A second process of the same service, as after a restart: a new app and new
 * dependencies on the same database, files and fake Telegram and FAL.
 */
export async function restartApp(t: Test, env: TestEnv): Promise<TestEnv> {
  return { ...env, ...(await startService(t, env.config)) };
}

let nextUpdateId = 1000;

export type From = { id: number; first_name: string; language_code?: string; username?: string };
export const ALICE: From = { id: 501, first_name: 'Алиса', language_code: 'ru', username: 'alice' };
export const BOB: From = { id: 502, first_name: 'Bob', language_code: 'en', username: 'bob' };

/** A private-chat message update from `from`, as Telegram sends it, with the given content. */
export function messageUpdate(from: From, content: Record<string, unknown>, updateId = nextUpdateId++): Update {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: from.id, type: 'private', first_name: from.first_name },
      from: { is_bot: false, ...from },
      ...content,
    },
  } as Update;
}

/** A text message; a leading /command gets its bot_command entity. */
export function textUpdate(text: string, from: From = ALICE, updateId = nextUpdateId++): Update {
  const command = text.startsWith('/') ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] } : {};
  return messageUpdate(from, { text, ...command }, updateId);
}

/** Posts a raw body to the Telegram webhook with the given content type and the right secret. */
export function postRawUpdate(app: App, contentType: string, body: string, secret = WEBHOOK_SECRET) {
  return app.inject({
    method: 'POST',
    url: '/telegram/webhook',
    headers: { 'content-type': contentType, 'x-telegram-bot-api-secret-token': secret },
    payload: body,
  });
}

/** Posts an update to the app's Telegram webhook with the right secret, the one given, or none (null). */
export function postUpdate(app: App, update: unknown, secret: string | null = WEBHOOK_SECRET) {
  return app.inject({
    method: 'POST',
    url: '/telegram/webhook',
    headers: secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret },
    payload: update as object,
  });
}

/** A photo message (Telegram's compressed photo: several sizes, the largest last). */
export function photoUpdate(fileId: string, from: From = ALICE, extra: Record<string, unknown> = {}): Update {
  return messageUpdate(from, {
    photo: [
      { file_id: `${fileId}-small`, file_unique_id: `${fileId}-s`, width: 90, height: 90, file_size: 1000 },
      { file_id: fileId, file_unique_id: `${fileId}-u`, width: 1280, height: 960, file_size: 4096 },
    ],
    ...extra,
  });
}

/** An image sent as a file (a "document"). */
export function documentUpdate(fileId: string, from: From = ALICE, document: Record<string, unknown> = {}): Update {
  return messageUpdate(from, {
    document: {
      file_id: fileId,
      file_unique_id: `${fileId}-u`,
      file_name: 'photo.jpg',
      mime_type: 'image/jpeg',
      file_size: 4096,
      ...document,
    },
  });
}

/** A press of an inline button under message `messageId`. */
export function callbackUpdate(data: string, messageId: number, from: From = ALICE, message: Record<string, unknown> = {}): Update {
  const updateId = nextUpdateId++;
  return {
    update_id: updateId,
    callback_query: {
      id: `cb-${updateId}`,
      from: { is_bot: false, ...from },
      chat_instance: `ci-${from.id}`,
      data,
      message: {
        message_id: messageId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: from.id, type: 'private', first_name: from.first_name },
        text: 'button message',
        ...message,
      },
    },
  } as Update;
}

/** A port nobody listens on right now, for a server a test starts on a known port. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/**
 * The app with FAL simulated (no FAL_KEY) — and, with `playground`, no bot token either —
 * listening on a real port: the simulator calls back over HTTP. Returns the app and its base URL.
 */
export async function buildSimulatedApp(t: Test, options: { playground?: boolean; env?: Record<string, string> } = {}) {
  // A given PORT is kept: a restart on the same address, as `npm start` after Ctrl-C.
  const port = options.env?.PORT ? Number(options.env.PORT) : await freePort();
  const env = await buildTestApp(t, {
    FAL_KEY: '',
    FAL_BASE_URL: '',
    FAL_WEBHOOK_JWKS_URL: '',
    ...(options.playground ? { TELEGRAM_BOT_TOKEN: '', TELEGRAM_WEBHOOK_SECRET: '', TELEGRAM_API_ROOT: '' } : {}),
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SIMULATED_TRAINING_SECONDS: '1',
    ...options.env,
  });
  const base = await env.app.listen({ port, host: '127.0.0.1' });
  return { ...env, base, port };
}

/**
 * A DATA_DIR for a test that starts the embedded PostgreSQL, under the system's
 * temporary directory: reachable by the `postgres` user wherever the clone is
 * (as root in /root/app, a DATA_DIR inside it would put its cluster under
 * /var/lib/avatar-bot), and removed at teardown.
 */
export async function postgresDataDir(t: Test): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'avatar-bot-test-'));
  await chmod(dir, 0o755);
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A FAL webhook delivery of `raw` with `headers`, answered: what happens after the answer is not waited for. */
function injectFalWebhook(env: TestEnv, raw: string, headers: Record<string, string>, url = '/webhooks/fal') {
  return env.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: raw });
}

/**
 * A FAL webhook delivery of `raw` with `headers` (unsigned, or signed wrongly, when a test says so).
 * The answer comes once the event is stored; this also waits for its application after the answer.
 */
export async function postFalWebhook(env: TestEnv, raw: string, headers: Record<string, string>, url = '/webhooks/fal') {
  const res = await injectFalWebhook(env, raw, headers, url);
  await env.deps.tasks.drain(10_000);
  return res;
}

/** A signed FAL webhook delivery of `raw`, as FAL sends it (to the URL given at submit, with its `?key=`, when given). */
export function deliverRawFalWebhook(env: TestEnv, requestId: string, raw: string, url = '/webhooks/fal') {
  return postFalWebhook(env, raw, env.fal.sign(raw, { requestId }), url);
}

/** A signed FAL webhook delivery of `body`. */
export function deliverFalWebhook(env: TestEnv, requestId: string, body: unknown, url = '/webhooks/fal') {
  return deliverRawFalWebhook(env, requestId, JSON.stringify(body), url);
}

/** A signed FAL webhook delivery of `body`, answered: its application after the answer is not waited for. */
export function sendFalWebhook(env: TestEnv, requestId: string, body: unknown, url = '/webhooks/fal') {
  const raw = JSON.stringify(body);
  return injectFalWebhook(env, raw, env.fal.sign(raw, { requestId }), url);
}

/** The path (with its `?key=`) of the webhook URL a submit gave FAL: where FAL delivers that job's webhook. */
export function webhookPathOf(submission: { webhookUrl: string | null }): string {
  const url = new URL(submission.webhookUrl ?? '');
  return `${url.pathname}${url.search}`;
}

/** Telegram asking whether to take the Stars of an invoice the user is paying. */
export function preCheckoutUpdate(from: From, payload: string, amount: number, currency = 'XTR'): Update {
  const updateId = nextUpdateId++;
  return {
    update_id: updateId,
    pre_checkout_query: {
      id: `pcq-${updateId}`,
      from: { is_bot: false, ...from },
      currency,
      total_amount: amount,
      invoice_payload: payload,
    },
  } as Update;
}

/** The message Telegram sends once it took the Stars. */
/** The service message Telegram sends (to user and bot) once a Stars payment is given back. */
export function refundedPaymentUpdate(from: From, payload: string, amount: number, chargeId: string): Update {
  return messageUpdate(from, {
    refunded_payment: { currency: 'XTR', total_amount: amount, invoice_payload: payload, telegram_payment_charge_id: chargeId },
  });
}

export function paymentUpdate(from: From, payload: string, amount: number, chargeId: string, currency = 'XTR'): Update {
  return messageUpdate(from, {
    successful_payment: {
      currency,
      total_amount: amount,
      invoice_payload: payload,
      telegram_payment_charge_id: chargeId,
      provider_payment_charge_id: '',
    },
  });
}
