import { eq } from 'drizzle-orm';
import t from 'tap';
import { createDatabase } from '../src/db/client.js';
import { avatars } from '../src/db/schema.js';
import { startFakeFal } from './support/fakes/fal-api.js';
import { startS3Server } from './support/fakes/s3-server.js';
import { startFakeTelegram } from './support/fakes/telegram-api.js';
import {
  ALICE,
  BOT_TOKEN,
  createTestDatabase,
  freePort,
  INTERNAL_TOKEN,
  serviceEnv,
  textUpdate,
  WEBHOOK_SECRET,
} from './support/helper.js';
import { trainingRow } from './support/seed.js';
import { startServer, waitFor } from './support/server-process.js';

/**
 * Two app processes on one PostgreSQL and one S3 (s3rver), as two machines
 * behind a load balancer: Telegram updates and FAL webhooks spread across both,
 * redelivered to both, and the status checker run on both at once. Every
 * update is answered once; every training completes once, with one message.
 */

const TRAININGS = 20;

t.test('two instances share the work: each update answered once, each training completed once with one message', async (t) => {
  const database = await createTestDatabase(t);
  const s3 = await startS3Server(t.testdir(), 'avatars');
  t.teardown(s3.stop);
  const telegram = await startFakeTelegram(BOT_TOKEN);
  t.teardown(telegram.close);
  const fal = await startFakeFal();
  t.teardown(fal.close);

  const instances = [];
  for (const name of ['a', 'b']) {
    const port = await freePort();
    const server = startServer({
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...serviceEnv({ databaseUrl: database.url, telegram, fal }),
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: 'avatars',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    });
    t.teardown(() => {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/readyz`);
    instances.push({ name, base, server });
  }
  const [a, b] = instances as [(typeof instances)[number], (typeof instances)[number]];
  const post = (base: string, update: unknown) =>
    fetch(`${base}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      body: JSON.stringify(update),
    });

  // Telegram: ten /help updates, each delivered to one instance and then again to the other.
  const updates = Array.from({ length: 10 }, () => textUpdate('/help'));
  const answers = await Promise.all(
    updates.flatMap((update, i) => [post(i % 2 ? a.base : b.base, update), post(i % 2 ? b.base : a.base, update)]),
  );
  t.ok(
    answers.every((r) => r.status === 200 || r.status === 503),
    'each delivery answered (503: the other instance was handling it; Telegram retries)',
  );
  const helps = () => telegram.callsOf('sendMessage').filter((c) => String(c.payload.text).startsWith('ℹ️'));
  t.equal(helps().length, 10, 'each update answered once across both instances');

  // FAL: twenty trainings; half finish by webhook (to both instances, twice), half only by the checker.
  const db = createDatabase(database.url);
  t.teardown(db.close);
  const [user] = await db.pool.query<{ id: number }>('select id from users where telegram_id = $1', [ALICE.id]).then((r) => r.rows);
  const result = { diffusers_lora_file: { url: 'https://v3.fal.media/files/x/lora.safetensors' } };
  const rows = [];
  for (let i = 0; i < TRAININGS; i++) {
    const requestId = `req-two-${i}`;
    const base = `${fal.url}/queue.fal.run/fal-ai/flux-lora-portrait-trainer/requests/${requestId}`;
    const urls = { status_url: `${base}/status`, response_url: base, cancel_url: `${base}/cancel` };
    rows.push(await trainingRow(db.db as never, { userId: user!.id, name: `Two-${i}`, requestId, urls }));
    fal.state.jobs.set(requestId, { status: 'COMPLETED', result: { status: 200, body: result } });
  }
  const deliver = (base: string, requestId: string) => {
    const raw = JSON.stringify({ request_id: requestId, gateway_request_id: requestId, status: 'OK', payload: result });
    return fetch(`${base}/webhooks/fal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...fal.sign(raw, { requestId }) },
      body: raw,
    });
  };
  const check = (base: string) =>
    fetch(`${base}/internal/check-status`, { method: 'POST', headers: { authorization: `Bearer ${INTERNAL_TOKEN}` } });
  const work = [
    ...rows.slice(0, TRAININGS / 2).flatMap((row) => [deliver(a.base, row.falRequestId!), deliver(b.base, row.falRequestId!)]),
    check(a.base),
    check(b.base),
  ];
  const statuses = (await Promise.all(work)).map((r) => r.status);
  t.same(new Set(statuses), new Set([200]), 'every webhook and both checks answered 200');
  await Promise.all([check(a.base), check(b.base)]);

  const ready = () => telegram.callsOf('sendMessage').filter((c) => /^✅ Аватар «Two-\d+» готов!/.test(String(c.payload.text)));
  const deadline = Date.now() + 20_000;
  while (ready().length < TRAININGS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const done = await db.db.select({ status: avatars.status }).from(avatars).where(eq(avatars.userId, user!.id));
  t.equal(done.filter((row) => row.status === 'completed').length, TRAININGS, 'every training completed');
  const messages = ready().map((c) => String(c.payload.text).match(/«(Two-\d+)»/)![1]);
  t.equal(messages.length, TRAININGS, 'one message per training');
  t.equal(new Set(messages).size, TRAININGS, 'no training told twice');
  t.match(a.server.output() + b.server.output(), /"msg":"FAL event applied"/);
});
