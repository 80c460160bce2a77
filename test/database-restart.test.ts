import t from 'tap';
import { eq } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { avatars, users } from '../src/db/schema.js';
import { createDeps } from '../src/deps.js';
import { ensureDatabase, startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { createLogger } from '../src/logger.js';
import { startFakeFal } from './fakes/fal-api.js';
import { startFakeTelegram } from './fakes/telegram-api.js';
import { BOT_TOKEN, LogCapture, WEBHOOK_SECRET } from './helper.js';

t.test('the database stops during a FAL webhook: 503; the same delivery after the restart completes once', async (t) => {
  // A PostgreSQL of this test's own, so stopping it disturbs nobody else.
  const dataDir = t.testdir();
  let pg = await startEmbeddedPostgres({ dataDir });
  const port = Number(new URL(pg.adminUrl).port);
  await ensureDatabase(pg.adminUrl, 'restart');
  t.teardown(() => pg.stop());
  const telegram = await startFakeTelegram(BOT_TOKEN);
  t.teardown(telegram.close);
  const fal = await startFakeFal();
  t.teardown(fal.close);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: pg.urlFor('restart'),
    DATA_DIR: dataDir,
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TELEGRAM_API_ROOT: telegram.url,
    FAL_WEBHOOK_JWKS_URL: fal.jwksUrl,
  });
  const deps = await createDeps(config, createLogger(config, new LogCapture()));
  const app = await buildApp(config, deps);
  t.teardown(async () => {
    await app.close();
    await deps.close();
  });

  const [user] = await deps.db.insert(users).values({ telegramId: 77, chatId: 77, firstName: 'R', languageCode: 'ru' }).returning();
  const [avatar] = await deps.db
    .insert(avatars)
    .values({ userId: user!.id, name: 'Restarted', trainingType: 'portrait', status: 'training', falRequestId: 'req-restart', trainingStartedAt: new Date() })
    .returning();
  const raw = JSON.stringify({ request_id: 'req-restart', status: 'OK', payload: { diffusers_lora_file: { url: 'https://v3.fal.media/l.safetensors' } } });
  const deliver = () =>
    app.inject({ method: 'POST', url: '/webhooks/fal', headers: { 'content-type': 'application/json', ...fal.sign(raw, { requestId: 'req-restart' }) }, payload: raw });

  await pg.stop();
  const down = await deliver();
  t.equal(down.statusCode, 503, 'FAL is told to retry');
  t.equal(down.json().error, 'ServiceUnavailable');
  t.equal((await app.inject('/readyz')).statusCode, 503);

  pg = await startEmbeddedPostgres({ dataDir, port });
  const again = await deliver();
  t.equal(again.statusCode, 200, 'the retry after the restart is accepted');
  await deps.tasks.drain(10_000);
  const [row] = await deps.db.select().from(avatars).where(eq(avatars.id, avatar!.id));
  t.equal(row?.status, 'completed');
  t.equal(telegram.callsOf('sendMessage').filter((c) => String(c.payload.text).startsWith('✅ Аватар «Restarted» готов!')).length, 1, 'one message');
  t.equal((await deliver()).statusCode, 200);
  await deps.tasks.drain(10_000);
  t.equal(telegram.callsOf('sendMessage').length, 1, 'a further redelivery changes nothing');
});
