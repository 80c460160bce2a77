import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { eq } from 'drizzle-orm';
import { type App, buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { ensureDatabase } from '../src/db/embedded/launcher.js';
import { avatars, users } from '../src/db/schema.js';
import { createDeps, type Deps } from '../src/deps.js';
import { createLogger } from '../src/runtime/logger.js';
import { type FakeFal, startFakeFal } from '../test/support/fakes/fal-api.js';
import { type FakeTelegram, startFakeTelegram } from '../test/support/fakes/telegram-api.js';

export const TOKEN = '123456789:BENCH-token';
export const SECRET = 'bench-webhook-secret';
export const INTERNAL = 'bench-internal-token-0123456789';
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 32;

export const rows: { section: string; metric: string; value: string; note: string }[] = [];
export const report = (section: string, metric: string, value: string | number, note = '') => {
  rows.push({ section, metric, value: String(value), note });
  process.stdout.write(`  ${section} | ${metric}: ${value}${note ? `  (${note})` : ''}\n`);
};

/** The p-th percentile of some timings (nearest rank). */
export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
};

export const listen = async (server: Server) => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

export type Env = { app: App; deps: Deps; url: string; telegram: FakeTelegram; fal: FakeFal; close(): Promise<void> };

export async function startApp(adminUrl: string, database: string, dataDir: string, env: Record<string, string> = {}): Promise<Env> {
  await ensureDatabase(adminUrl, database);
  const telegram = await startFakeTelegram(TOKEN);
  const fal = await startFakeFal();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url.toString(),
    DATA_DIR: dataDir,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: telegram.url,
    FAL_BASE_URL: fal.url,
    FAL_WEBHOOK_JWKS_URL: fal.jwksUrl,
    INTERNAL_API_TOKEN: INTERNAL,
    LOG_LEVEL: 'silent',
    // The face models (~250 MB) only where they are measured: bench/faces.ts turns them on.
    FACE_CHECK: 'off',
    // The prompt assistant only where it is measured: bench/prompts.ts turns it on.
    PROMPT_ASSISTANT: 'off',
    // The preview and the welcome set add FAL jobs to every training: the sets' tests turn them on.
    PREVIEW_PICTURES: '0',
    WELCOME_PICTURES: '0',
    ...env,
  });
  const deps = await createDeps(config, createLogger(config));
  const app = await buildApp(config, deps);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    deps,
    url: address,
    telegram,
    fal,
    async close() {
      await app.close();
      await deps.close();
      await telegram.close();
      await fal.close();
    },
  };
}

/** Loads `url` with unique updates for DURATION_S; returns requests/s, latency and the 2xx count. */
export async function load(url: string, body: (n: number) => unknown) {
  let n = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        setupRequest: (request) => ({ ...request, body: JSON.stringify(body(n++)) }),
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    errors: result.non2xx + result.errors,
  };
}

export const startUpdate = (n: number) => ({
  update_id: 1_000_000 + n,
  message: {
    message_id: n,
    date: 1_790_000_000,
    chat: { id: 10_000 + (n % 1000), type: 'private', first_name: 'Load' },
    from: { id: 10_000 + (n % 1000), is_bot: false, first_name: 'Load', language_code: 'ru' },
    text: '/start',
    entities: [{ type: 'bot_command', offset: 0, length: 6 }],
  },
});

/** The run with the median rate. */
export const median = <T extends { rps: number }>(runs: T[]) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;

/** A trained portrait avatar of the user with this Telegram id (who has sent /start), made their main one. */
export async function completedMainAvatar(env: Env, telegramId: number) {
  const [user] = await env.deps.db.select().from(users).where(eq(users.telegramId, telegramId));
  const [avatar] = await env.deps.db
    .insert(avatars)
    .values({
      userId: user!.id,
      name: 'Bench',
      trainingType: 'portrait',
      gender: 'female',
      status: 'completed',
      triggerPhrase: 'TOK_bench',
      diffusersLoraFileUrl: 'https://v3.fal.media/files/bench/lora.safetensors',
      loraCheckedAt: new Date(),
    })
    .returning();
  await env.deps.db.update(users).set({ mainAvatarId: avatar!.id }).where(eq(users.id, user!.id));
  return avatar!;
}
