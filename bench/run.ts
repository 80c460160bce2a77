/**
 * `npm run bench`: what the service exists for, measured on loopback in one run
 * (BENCHMARKS.md holds a run's figures). Not part of `npm test`: timings are
 * reported, never asserted. Each section prints its numbers and the ratio to
 * its reference or target.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { openAsBlob } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Postgres } from '@telegraf/session/pg';
import autocannon from 'autocannon';
import { eq, sql } from 'drizzle-orm';
import Fastify from 'fastify';
import pg from 'pg';
import sharp from 'sharp';
import { session, Telegraf } from 'telegraf';
import { type App, buildApp } from '../src/app.js';
import { texts } from '../src/bot/texts/index.js';
import { mainMenuKeyboard } from '../src/bot/views/main-menu.js';
import { loadConfig } from '../src/config.js';
import { ensureDatabase, startEmbeddedPostgres } from '../src/db/embedded/launcher.js';
import { avatarPhotos, avatars, users } from '../src/db/schema.js';
import { createDeps, type Deps } from '../src/deps.js';
import { zipPhotosToFile } from '../src/domain/training/photo-archive.js';
import { setWizardState } from '../src/domain/wizard-state.js';
import { createFal } from '../src/fal/fal-client.js';
import { createLogger } from '../src/runtime/logger.js';
import { createFsStorage } from '../src/storage/fs-storage.js';
import { type FakeFal, startFakeFal } from '../test/support/fakes/fal-api.js';
import { BOT_INFO, type FakeTelegram, startFakeTelegram } from '../test/support/fakes/telegram-api.js';
import { jpegHead, picture } from '../test/support/fixtures/images.js';

const TOKEN = '123456789:BENCH-token';
const SECRET = 'bench-webhook-secret';
const INTERNAL = 'bench-internal-token-0123456789';
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 32;

const rows: { section: string; metric: string; value: string; note: string }[] = [];
const report = (section: string, metric: string, value: string | number, note = '') => {
  rows.push({ section, metric, value: String(value), note });
  process.stdout.write(`  ${section} | ${metric}: ${value}${note ? `  (${note})` : ''}\n`);
};

const listen = async (server: Server) => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

type Env = { app: App; deps: Deps; url: string; telegram: FakeTelegram; fal: FakeFal; close(): Promise<void> };

async function startApp(adminUrl: string, database: string, dataDir: string, env: Record<string, string> = {}): Promise<Env> {
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
async function load(url: string, body: (n: number) => unknown) {
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

const startUpdate = (n: number) => ({
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
const median = <T extends { rps: number }>(runs: T[]) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;

async function webhookThroughput(adminUrl: string, dataDir: string) {
  const section = '1 Telegram /start';
  const env = await startApp(adminUrl, 'bench_webhook', dataDir);

  /** telegraf's own webhook server answering the same /start, with `setup` before the handler. */
  async function telegrafPeer(setup: (bot: Telegraf) => void) {
    const telegram = await startFakeTelegram(TOKEN);
    const bot = new Telegraf(TOKEN, { telegram: { apiRoot: telegram.url, webhookReply: false } });
    bot.botInfo = BOT_INFO as never;
    setup(bot);
    bot.start((ctx) => ctx.reply(texts.ru.greeting(ctx.from.first_name, { min: 10, max: 20 }), mainMenuKeyboard('ru')));
    // Updates cut off when the load stops must not crash the reference (telegraf's default rethrows).
    bot.catch(() => {});
    const server = createServer(bot.webhookCallback('/telegram/webhook', { secretToken: SECRET }));
    const url = `${await listen(server)}/telegram/webhook`;
    return {
      url,
      async close() {
        server.close();
        await telegram.close();
      },
    };
  }
  const plain = await telegrafPeer(() => {});
  // The peer with a database: telegraf's official Postgres session store, one read and one write per update.
  await ensureDatabase(adminUrl, 'bench_session');
  const sessionUrl = new URL(adminUrl);
  sessionUrl.pathname = '/bench_session';
  const pool = new pg.Pool({ connectionString: sessionUrl.toString(), max: 10 });
  const withSession = await telegrafPeer((bot) => {
    bot.use(session({ store: Postgres<{ starts: number }>({ pool }), defaultSession: () => ({ starts: 0 }) }));
    bot.use((ctx, next) => {
      (ctx as unknown as { session: { starts: number } }).session.starts += 1;
      return next();
    });
  });

  // The machine is shared and noisy: the three servers take turns, three rounds each, and the median counts.
  const servers = { ours: `${env.url}/telegram/webhook`, session: withSession.url, plain: plain.url };
  for (const url of Object.values(servers)) await load(url, (n) => startUpdate(n + 5_000_000)); // warm-up (JIT, pools, rows)
  env.telegram.calls.length = 0;
  const runs: Record<keyof typeof servers, Awaited<ReturnType<typeof load>>[]> = { ours: [], session: [], plain: [] };
  for (let round = 0; round < 3; round++) {
    for (const [name, url] of Object.entries(servers) as [keyof typeof servers, string][]) {
      runs[name].push(await load(url, (n) => startUpdate(n + round * 10_000_000)));
    }
  }
  // Updates still in flight when a load stops are answered after it: answered ≥ acknowledged.
  await new Promise((r) => setTimeout(r, 500));
  await pool.end();
  await plain.close();
  await withSession.close();
  const answered = env.telegram.callsOf('sendMessage').length;
  const acknowledged = runs.ours.reduce((sum, run) => sum + run.ok, 0);
  const [ours, session_, ref] = [median(runs.ours), median(runs.session), median(runs.plain)];
  const rates = (name: keyof typeof servers) => `rounds ${runs[name].map((run) => run.rps.toFixed(0)).join(' / ')}`;
  report(
    section,
    'avatar-bot req/s',
    ours.rps.toFixed(0),
    `p50 ${ours.p50} ms, p99 ${ours.p99} ms, non-2xx ${ours.errors}; ${rates('ours')}`,
  );
  report(
    section,
    'acknowledged / answered',
    `${acknowledged} / ${answered}`,
    answered >= acknowledged ? 'every acknowledged update answered' : 'MISSING ANSWERS',
  );
  report(
    section,
    'telegraf + @telegraf/session/pg req/s',
    session_.rps.toFixed(0),
    `p50 ${session_.p50} ms, p99 ${session_.p99} ms, one session read and write per update; ${rates('session')}`,
  );
  report(
    section,
    'telegraf webhookCallback req/s',
    ref.rps.toFixed(0),
    `p50 ${ref.p50} ms, p99 ${ref.p99} ms, no database; ${rates('plain')}`,
  );
  const ratio = ours.rps / session_.rps;
  report(section, 'ratio avatar-bot / telegraf + pg session', ratio.toFixed(2), `target ≥ 1.00 — ${ratio >= 1 ? 'met' : 'MISSED'}`);

  const bare = Fastify();
  bare.post('/telegram/webhook', async () => ({ ok: true }));
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
  const nothing = await load(`${bareUrl}/telegram/webhook`, startUpdate);
  await bare.close();
  report(section, 'bare Fastify route req/s', nothing.rps.toFixed(0), `p50 ${nothing.p50} ms`);
  report(section, 'ratio avatar-bot / telegraf (no database)', (ours.rps / ref.rps).toFixed(2), 'the bound to approach');
  report(section, 'ratio avatar-bot / bare Fastify', (ours.rps / nothing.rps).toFixed(2));

  // Gallery navigation: a callback that reads the cards and edits the card's media.
  const [user] = await env.deps.db.select().from(users).where(eq(users.telegramId, 10_000));
  const cards = await env.deps.db
    .insert(avatars)
    .values(['A', 'B', 'C'].map((name) => ({ userId: user!.id, name, trainingType: 'portrait' as const, status: 'completed' as const })))
    .returning();
  for (const card of cards) {
    await env.deps.db.insert(avatarPhotos).values({
      avatarId: card.id,
      storageKey: `avatars/${card.id}/photos/x.jpg`,
      telegramFileId: `file-${card.name}`,
      sha256: card.id.replace(/-/g, '').padEnd(64, '0'),
      sizeBytes: 1,
      width: 1024,
      height: 1024,
      format: 'jpeg',
      position: 1,
    });
  }
  env.telegram.calls.length = 0;
  const nav = await load(`${env.url}/telegram/webhook`, (n) => ({
    update_id: 9_000_000 + n,
    callback_query: {
      id: `cb${n}`,
      chat_instance: 'ci',
      from: { id: 10_000, is_bot: false, first_name: 'Load' },
      data: `gallery_card:${cards[n % 3]!.id}`,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: 10_000, type: 'private' },
        photo: [{ file_id: 'x', file_unique_id: 'x', width: 1, height: 1 }],
      },
    },
  }));
  report(
    '1b gallery callback',
    'req/s',
    nav.rps.toFixed(0),
    `p50 ${nav.p50} ms, p99 ${nav.p99} ms, edits ${env.telegram.callsOf('editMessageMedia').length}, non-2xx ${nav.errors}`,
  );
  await env.close();
}

async function webhookStorm(adminUrl: string, dataDir: string) {
  const section = '2 FAL webhook storm';
  const env = await startApp(adminUrl, 'bench_storm', dataDir);
  // A user has one training in flight at a time (MAX_TRAININGS_IN_FLIGHT_PER_USER): 100 trainings are 100 users'.
  const people = await env.deps.db
    .insert(users)
    .values(Array.from({ length: 700 }, (_, i) => ({ telegramId: 42_000 + i, chatId: 42_000 + i, firstName: 'Storm', languageCode: 'ru' })))
    .returning();
  /** Ten signed deliveries for each owner's training (in rounds), 50 at a time: latencies, rate, non-200s. */
  async function storm(prefix: string, owners: typeof people) {
    const trainings = owners.length;
    await env.deps.db.insert(avatars).values(
      Array.from({ length: trainings }, (_, i) => ({
        userId: owners[i]!.id,
        name: `${prefix} ${i}`,
        trainingType: 'portrait' as const,
        status: 'training' as const,
        falRequestId: `${prefix}-${i}`,
        trainingStartedAt: new Date(),
      })),
    );
    const deliveries = Array.from({ length: trainings * 10 }, (_, i) => {
      const requestId = `${prefix}-${i % trainings}`;
      const raw = JSON.stringify({
        request_id: requestId,
        status: 'OK',
        payload: { diffusers_lora_file: { url: `https://v3.fal.media/${requestId}.safetensors` } },
      });
      return { raw, headers: env.fal.sign(raw, { requestId }) };
    });
    const chats = new Set(owners.map((owner) => owner.chatId));
    const told = () => env.telegram.callsOf('sendMessage').filter((c) => chats.has(Number(c.payload.chat_id))).length;
    const file = path.join(dataDir, `storm-${prefix}.json`);
    await writeFile(file, JSON.stringify(deliveries));
    const client = spawn(process.execPath, ['--import', 'tsx', 'bench/storm-client.ts', file, `${env.url}/webhooks/fal`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    client.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // Applied after the answers: the storm is over once every training is completed and its user told.
    let allTold = 0;
    const watch = (async () => {
      while (told() < trainings) await new Promise((r) => setTimeout(r, 5));
      allTold = Date.now();
    })();
    const [code] = await once(client, 'exit');
    if (code !== 0) throw new Error(`storm client exited ${code}`);
    const result = JSON.parse(out) as { startedAt: number; rate: number; p50: number; p99: number; statusErrors: number };
    await Promise.race([watch, new Promise((r) => setTimeout(r, 60_000))]);
    await env.deps.tasks.drain(60_000);
    return { ...result, allTold: allTold - result.startedAt };
  }
  // The first storm meets a cold process (JIT, the pool's connections, the JWKS fetch); after a longer
  // one (5,000 deliveries, not reported) the process is as warm as after minutes of traffic.
  const cold = await storm('cold', people.slice(0, 100));
  await storm('warm-up', people.slice(100, 600));
  const warm = await storm('storm', people.slice(600));
  const completed = await env.deps.db.select({ n: sql<number>`count(*)::int` }).from(avatars).where(eq(avatars.status, 'completed'));
  const messages = env.telegram.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) >= 42_000).length;
  report(
    section,
    'cold process: deliveries / s, p50 / p99',
    `${cold.rate.toFixed(0)}, ${cold.p50} / ${cold.p99} ms`,
    'JIT, pool and JWKS warming up',
  );
  report(
    section,
    'deliveries / s',
    warm.rate.toFixed(0),
    `1,000 signed deliveries, 10 per training, 50 at a time, non-200 ${cold.statusErrors + warm.statusErrors}`,
  );
  report(section, 'latency p50 / p99', `${warm.p50} / ${warm.p99} ms`, `target p99 < 50 ms — ${warm.p99 < 50 ? 'met' : 'MISSED'}`);
  report(section, 'all 100 completed and told', `${warm.allTold.toFixed(0)} ms`, 'from the first delivery to the 100th message sent');
  report(
    section,
    'completions / messages',
    `${completed[0]?.n} / ${messages}`,
    completed[0]?.n === 700 && messages === 700 ? 'exactly one each, for all 700 trainings of the three storms' : 'MISMATCH',
  );
  await env.close();
}

async function checkerScaling(adminUrl: string, dataDir: string) {
  const section = '3 status checker';
  const timings: number[] = [];
  for (const [database, total] of [
    ['bench_check_small', 100],
    ['bench_check_large', 10_000],
  ] as const) {
    const env = await startApp(adminUrl, database, dataDir);
    const [user] = await env.deps.db.insert(users).values({ telegramId: 7, chatId: 7, firstName: 'C' }).returning();
    const base = `${env.fal.url}/queue.fal.run/fal-ai/flux-lora-portrait-trainer/requests`;
    for (let i = 0; i < total; i += 1000) {
      await env.deps.db.insert(avatars).values(
        Array.from({ length: Math.min(1000, total - i) }, (_, j) => {
          const k = i + j;
          const training = k < 100;
          return {
            userId: user!.id,
            name: `A${k}`,
            trainingType: 'portrait' as const,
            status: training ? ('training' as const) : ('completed' as const),
            ...(training
              ? {
                  falRequestId: `c-${k}`,
                  falStatusUrl: `${base}/c-${k}/status`,
                  falResponseUrl: `${base}/c-${k}`,
                  trainingStartedAt: new Date(),
                }
              : {}),
          };
        }),
      );
    }
    for (let k = 0; k < 100; k++) env.fal.state.jobs.set(`c-${k}`, { status: 'IN_PROGRESS' });
    await env.deps.db.execute(sql`analyze avatars`);
    const t0 = performance.now();
    const res = await fetch(`${env.url}/internal/check-status`, { method: 'POST', headers: { authorization: `Bearer ${INTERNAL}` } });
    const summary = (await res.json()) as { checked: number; stillRunning: number };
    const ms = performance.now() - t0;
    timings.push(ms);
    report(
      section,
      `${total.toLocaleString('en')} avatars, 100 training`,
      `${ms.toFixed(0)} ms`,
      `checked ${summary.checked}, still running ${summary.stillRunning}`,
    );
    if (total === 10_000) {
      const plan = await env.deps.db.execute(sql`explain select id from ${avatars} where status = 'training'
        and (status_checked_at is null or status_checked_at < now() - interval '60 seconds')
        order by status_checked_at nulls first, created_at limit 20 for update skip locked`);
      const text = plan.rows.map((r) => String((r as Record<string, unknown>)['QUERY PLAN'])).join(' / ');
      report(
        section,
        'claim query plan',
        /avatars_in_flight_idx/.test(text) ? 'uses avatars_in_flight_idx' : 'NO INDEX',
        text.replace(/\s+/g, ' ').slice(0, 160),
      );
    }
    await env.close();
  }
  report(section, 'ratio 10,000 / 100', (timings[1]! / timings[0]!).toFixed(2), 'target ≤ 2');
}

async function zipMemory(dataDir: string) {
  const section = '4 photo zip';
  const storage = createFsStorage(path.join(dataDir, 'zip-files'));
  const photos = [];
  for (let i = 0; i < 20; i++) {
    const key = `avatars/zip/photos/${i}.jpg`;
    await storage.put(key, randomBytes(10 * 1024 * 1024));
    photos.push({
      id: `${i}`,
      avatarId: 'zip',
      storageKey: key,
      telegramFileId: null,
      sha256: `${i}`,
      sizeBytes: 10 * 1024 * 1024,
      width: 1,
      height: 1,
      format: 'jpeg',
      fingerprint: null,
      thumbnailKey: null,
      position: i + 1,
      createdAt: new Date(),
    });
  }
  const fal = await startFakeFal();
  fal.state.keepUploads = false;
  const client = createFal({
    fal: { key: 'bench', baseUrl: fal.url, webhookJwksUrl: fal.jwksUrl, simulator: undefined, models: {} as never },
  });
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const file = path.join(dataDir, 'photos.zip');
  const t0 = performance.now();
  await zipPhotosToFile(storage, photos, file);
  await client.storage.upload(await openAsBlob(file, { type: 'application/zip' }));
  const ms = performance.now() - t0;
  clearInterval(sampler);
  await fal.close();
  const growth = (peak - baseline) / 1024 / 1024;
  report(
    section,
    '20 × 10 MB: peak RSS growth',
    `${growth.toFixed(1)} MB`,
    `target < 64 MB; ${(fal.state.uploadedBytes / 1024 / 1024).toFixed(0)} MB uploaded in ${(ms / 1000).toFixed(1)} s`,
  );
}

/** 40 photos of 19 MB sent at once (a burst of albums): downloads stream to disk, a few at a time. */
async function uploadMemory(adminUrl: string, dataDir: string) {
  const section = '6 parallel uploads';
  const env = await startApp(adminUrl, 'bench_uploads', dataDir, { MAX_PHOTOS: '100' });
  const from = { id: 4242, is_bot: false, first_name: 'Upload', language_code: 'ru' };
  const post = (update: unknown) =>
    fetch(`${env.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
  const message = (n: number, content: object) => ({
    update_id: 5_000_000 + n,
    message: { message_id: n, date: 1_790_000_000, chat: { id: from.id, type: 'private', first_name: 'Upload' }, from, ...content },
  });
  await post(message(0, { text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] }));
  const [user] = await env.deps.db.select().from(users).where(eq(users.telegramId, from.id));
  const [avatar] = await env.deps.db.insert(avatars).values({ userId: user!.id, name: 'Bench', trainingType: 'portrait' }).returning();
  await setWizardState(env.deps.db, from.id, { step: 'upload_photos', avatarId: avatar!.id, progressMessageId: null });
  const PHOTO_BYTES = 19 * 1024 * 1024;
  for (let i = 0; i < 40; i++) {
    const head = jpegHead(1024, 1024, `bench-${i}`, 16);
    env.telegram.addFile(`big-${i}`, Buffer.concat([head, randomBytes(PHOTO_BYTES - head.length)]));
  }
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  const answers = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      post(message(i + 1, { document: { file_id: `big-${i}`, file_unique_id: `u${i}`, file_name: 'p.jpg', mime_type: 'image/jpeg' } })),
    ),
  );
  const ms = performance.now() - t0;
  clearInterval(sampler);
  const [stored] = await env.deps.db
    .select({ n: sql<number>`count(*)::int` })
    .from(avatarPhotos)
    .where(eq(avatarPhotos.avatarId, avatar!.id));
  report(
    section,
    '40 × 19 MB photos, all at once',
    `${ms.toFixed(0)} ms`,
    `${stored?.n} stored, ${answers.filter((a) => a.ok).length} answered 200`,
  );
  report(section, 'peak RSS growth', `${((peak - baseline) / 1024 / 1024).toFixed(0)} MB`, 'target < 128 MB');
  await env.close();
}

/** Runs bench/photo-worker.ts on `dir` in a process of its own and returns what it measured. */
async function photoWorker(dir: string, what: 'phones' | 'album' | 'bomb') {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/photo-worker.ts', dir, what], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`photo worker (${what}) exited ${code}`);
  return JSON.parse(out) as { result: number | string; ms: number; growthMb: number };
}

/** 20 phone photos of 12 MP normalised and zipped for FAL; a 108 MP PNG refused. Measured in a fresh process. */
async function photoPipeline(dataDir: string) {
  const section = '7 photo pipeline';
  const dir = path.join(dataDir, 'pipeline');
  await mkdir(dir, { recursive: true });
  // Sensor-like detail (grain softened by the lens) over a scene: about what a 12 MP phone JPEG weighs.
  let originals = 0;
  for (let i = 0; i < 20; i++) {
    const grain = await sharp({
      create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } },
    })
      .blur(0.6)
      .png({ compressionLevel: 1 })
      .toBuffer();
    const bytes = await picture(4000, 3000, `phone-${i}`)
      .composite([{ input: grain, blend: 'overlay' }])
      .jpeg({ quality: 95 })
      .toBuffer();
    await writeFile(path.join(dir, `phone-${String(i).padStart(2, '0')}.jpg`), bytes);
    originals += bytes.length;
  }
  const phones = await photoWorker(dir, 'phones');
  const zipBytes = Number(phones.result);
  report(
    section,
    `20 × 12 MP (${(originals / 20 / 1024 / 1024).toFixed(1)} MB each): normalise + zip`,
    `${(phones.ms / 1000).toFixed(1)} s`,
    `${(phones.ms / 20).toFixed(0)} ms a photo, one at a time`,
  );
  report(section, 'normalise + zip: peak RSS growth', `${phones.growthMb.toFixed(0)} MB`, 'a fresh process, after its imports');
  report(
    section,
    'zip / originals',
    (zipBytes / originals).toFixed(3),
    `target ≤ 0.100; ${(zipBytes / 1024 / 1024).toFixed(1)} MB of ${(originals / 1024 / 1024).toFixed(0)} MB`,
  );

  const album = await photoWorker(dir, 'album');
  report(
    section,
    'the same 20, four at a time (as an album arrives)',
    `${(album.ms / 1000).toFixed(1)} s`,
    `peak RSS growth ${album.growthMb.toFixed(0)} MB; uploads are downloaded four at a time`,
  );

  await writeFile(
    path.join(dir, 'bomb.png'),
    await sharp({ create: { width: 12_000, height: 9000, channels: 3, background: '#808080' }, limitInputPixels: false })
      .png()
      .toBuffer(),
  );
  const bomb = await photoWorker(dir, 'bomb');
  report(section, '108 MP PNG bomb: refused in', `${bomb.ms.toFixed(1)} ms`, `target < 200 ms; ${bomb.result}`);
  report(section, '108 MP PNG bomb: RSS growth', `${bomb.growthMb.toFixed(1)} MB`, 'target < 64 MB');
}

/** `npm start` as a newcomer runs it: the very first (no build, no database), then a second start. */
async function coldStart() {
  const section = '5 cold start';
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'avatar-bot-bench-start-'));
  await rm('dist', { recursive: true, force: true });
  for (const [run, target] of [
    ['first `npm start` (build, initdb)', 15_000],
    ['second `npm start`', 5_000],
  ] as const) {
    const port = 30_000 + Math.floor(Math.random() * 20_000);
    const t0 = performance.now();
    // Its own process group: npm, the build and the server are stopped together.
    const child = spawn('npm', ['start'], {
      env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
      detached: true,
    });
    let ms = NaN;
    for (let i = 0; i < 1200; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) {
        ms = performance.now() - t0;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const exited = once(child, 'exit');
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    report(section, `${run} → /readyz 200`, `${ms.toFixed(0)} ms`, `target < ${target / 1000} s — ${ms < target ? 'met' : 'MISSED'}`);
  }
  await rm(dataDir, { recursive: true, force: true });
}

async function main() {
  const only = process.env.BENCH_ONLY;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'avatar-bot-bench-'));
  const postgres = await startEmbeddedPostgres({ dataDir });
  process.stdout.write(
    `avatar-bot benchmarks — ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`,
  );
  try {
    if (!only || only === 'webhook') await webhookThroughput(postgres.adminUrl, dataDir);
    if (!only || only === 'storm') await webhookStorm(postgres.adminUrl, dataDir);
    if (!only || only === 'checker') await checkerScaling(postgres.adminUrl, dataDir);
    if (!only || only === 'zip') await zipMemory(dataDir);
    if (!only || only === 'uploads') await uploadMemory(postgres.adminUrl, dataDir);
    if (!only || only === 'photos') await photoPipeline(dataDir);
    if (!only || only === 'start') await coldStart();
  } finally {
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  process.stdout.write('\n| section | metric | value | note |\n| --- | --- | --- | --- |\n');
  for (const r of rows) process.stdout.write(`| ${r.section} | ${r.metric} | ${r.value} | ${r.note} |\n`);
}

await main();
