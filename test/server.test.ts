import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { createDatabase } from '../src/db/client.js';
import { avatarPhotos, avatars, users } from '../src/db/schema.js';
import { createFsStorage } from '../src/storage/fs-storage.js';
import { startFakeFal } from './support/fakes/fal-api.js';
import { startFakeTelegram } from './support/fakes/telegram-api.js';
import { jpegHead } from './support/fixtures/images.js';
import { ALICE, BOT_TOKEN, callbackUpdate, createTestDatabase, freePort, postgresDataDir, WEBHOOK_SECRET } from './support/helper.js';
import { startServer, waitFor } from './support/server-process.js';

t.test('starts on embedded defaults, serves health, stops cleanly on SIGTERM, and starts again on the same data', async (t) => {
  const dataDir = await postgresDataDir(t);
  for (const run of ['first start', 'second start']) {
    const port = await freePort();
    const server = startServer({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
    t.teardown(() => {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    });
    await waitFor(`http://127.0.0.1:${port}/healthz`);
    const ready = await waitFor(`http://127.0.0.1:${port}/readyz`);
    t.same(await ready.json(), { status: 'ready', checks: { database: 'ok', storage: 'ok' } }, run);
    server.child.kill('SIGTERM');
    const [code] = await server.exited;
    t.equal(code, 0, `${run}: exits 0 after SIGTERM`);
    t.match(server.output(), /"msg":"stopped"/);
  }
});

t.test('a bad setting stops start-up with a message naming the variable', async (t) => {
  const server = startServer({ PORT: 'eighty', DATA_DIR: await postgresDataDir(t) });
  const [code] = await server.exited;
  t.equal(code, 1);
  t.match(server.output(), /Invalid configuration:\n {2}- PORT must be a whole number/);
});

t.test('production refuses to start without its secrets', async (t) => {
  const server = startServer({ NODE_ENV: 'production', DATA_DIR: await postgresDataDir(t) });
  const [code] = await server.exited;
  t.equal(code, 1);
  t.match(server.output(), /INTERNAL_API_TOKEN is required when NODE_ENV=production/);
});

t.test('SIGTERM during an in-flight webhook: it finishes, then the process exits 0', async (t) => {
  const fal = await startFakeFal();
  t.teardown(fal.close);
  fal.state.jwksDelayMs = 1500;
  const port = await freePort();
  const server = startServer({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: await postgresDataDir(t),
    FAL_WEBHOOK_JWKS_URL: fal.jwksUrl,
  });
  t.teardown(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });
  await waitFor(`http://127.0.0.1:${port}/readyz`);

  const raw = JSON.stringify({ request_id: 'in-flight', status: 'OK', payload: { finetune_id: 'x' } });
  const delivery = fetch(`http://127.0.0.1:${port}/webhooks/fal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...fal.sign(raw, { requestId: 'in-flight' }) },
    body: raw,
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  server.child.kill('SIGTERM');
  const answer = await delivery;
  t.equal(answer.status, 200, 'the in-flight delivery was handled and answered');
  t.same(await answer.json(), { received: true });
  const [code] = await server.exited;
  t.equal(code, 0);
  // No job of this fresh server carries the request id: the delivery is looked up, answered, and not kept.
  t.match(server.output(), /FAL webhook of a job not ours ignored[\s\S]*"msg":"stopped"/, 'handled before the process stopped');
});

t.test('Ctrl-C with the playground page open exits 0 at once', async (t) => {
  const port = await freePort();
  const server = startServer({ PORT: String(port), DATA_DIR: await postgresDataDir(t) });
  t.teardown(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });
  await waitFor(`http://127.0.0.1:${port}/readyz`);
  const events = await fetch(`http://127.0.0.1:${port}/__playground/events`);
  const reader = events.body!.getReader();
  await reader.read(); // connected
  server.child.kill('SIGINT');
  const [code] = await server.exited;
  t.equal(code, 0, 'exits 0: the open event stream did not hold the shutdown to its timeout (exit 1)');
  t.notMatch(server.output(), /shutdown timed out/);
});

/** A user with a ready avatar and its ten photos (of `photoBytes` each) in the server's file storage. */
async function readyAvatar(t: Test, databaseUrl: string, dataDir: string, photoBytes: number) {
  const seeded = createDatabase(databaseUrl);
  t.teardown(() => seeded.close());
  const [user] = await seeded.db.insert(users).values({ telegramId: ALICE.id, chatId: ALICE.id, firstName: 'A' }).returning();
  const [avatar] = await seeded.db
    .insert(avatars)
    .values({ userId: user!.id, name: 'Held', trainingType: 'portrait', status: 'ready' })
    .returning();
  const storage = createFsStorage(path.join(dataDir, 'files'));
  for (let i = 0; i < 10; i++) {
    const head = jpegHead(1024, 1024, `held-${i}`, 16);
    const bytes = Buffer.concat([head, randomBytes(Math.max(0, photoBytes - head.length))]);
    const key = `avatars/${avatar!.id}/photos/${i}.jpg`;
    await storage.put(key, bytes);
    await seeded.db.insert(avatarPhotos).values({
      avatarId: avatar!.id,
      storageKey: key,
      sha256: String(i).padEnd(64, '0'),
      sizeBytes: bytes.length,
      width: 1024,
      height: 1024,
      format: 'jpeg',
      position: i + 1,
    });
  }
  const status = async () => (await seeded.db.select().from(avatars).where(eq(avatars.id, avatar!.id)))[0]!;
  return { avatarId: avatar!.id, status };
}

const pressTrain = (port: number, avatarId: string) =>
  fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
    body: JSON.stringify(callbackUpdate(`avatar_train:${avatarId}`, 5, ALICE)),
  });

/** The real entry point with a bot token (the fake Bot API) and a user's ready avatar; `env` adds FAL's settings. */
async function serverWithReadyAvatar(t: Test, photoBytes: number, env: Record<string, string> = {}) {
  const telegram = await startFakeTelegram(BOT_TOKEN);
  t.teardown(telegram.close);
  const database = await createTestDatabase(t);
  const dataDir = await postgresDataDir(t);
  const seeded = await readyAvatar(t, database.url, dataDir, photoBytes);
  const port = await freePort();
  const server = startServer({
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TELEGRAM_API_ROOT: telegram.url,
    ...env,
  });
  t.teardown(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });
  await waitFor(`http://127.0.0.1:${port}/readyz`);
  return { server, seeded, pressTrain: () => pressTrain(port, seeded.avatarId) };
}

t.test('SIGTERM during a training submission waits for it: the job FAL queued is attached, not lost', async (t) => {
  const fal = await startFakeFal();
  t.teardown(fal.close);
  // FAL queues the job, then takes its time to answer: SIGTERM lands while the submit is in flight.
  fal.state.onSubmit = () => new Promise((resolve) => setTimeout(resolve, 1_500));
  const { server, seeded, pressTrain } = await serverWithReadyAvatar(t, 2048, {
    FAL_KEY: 'fal-test-key:secret',
    FAL_BASE_URL: fal.url,
    FAL_WEBHOOK_JWKS_URL: fal.jwksUrl,
  });
  t.equal((await pressTrain()).status, 200, 'the button is answered before the submission');
  const submission = await fal.waitForSubmission(1);
  server.child.kill('SIGTERM');
  const [code] = await server.exited;
  t.equal(code, 0);
  const row = await seeded.status();
  t.equal(row.status, 'training', 'the submission finished before the process stopped');
  t.equal(row.falRequestId, submission.requestId);
});

t.test('Ctrl-C during a submission to the built-in FAL simulator: it finishes first (the simulator is this server)', async (t) => {
  // Big enough photos that zipping and uploading them takes a while.
  const { server, seeded, pressTrain } = await serverWithReadyAvatar(t, 12 * 1024 * 1024);
  t.equal((await pressTrain()).status, 200);
  server.child.kill('SIGINT');
  const [code] = await server.exited;
  t.equal(code, 0);
  const row = await seeded.status();
  t.equal(row.status, 'training', 'submitted to the simulator before the server stopped serving it');
  t.ok(row.falRequestId);
});
