import { eq } from 'drizzle-orm';
import t from 'tap';
import { ensureDatabase, startEmbeddedPostgres } from '../src/db/embedded/launcher.js';
import { avatars, users } from '../src/db/schema.js';
import { buildTestApp, postgresDataDir } from './support/helper.js';
import { trainingRow } from './support/seed.js';

t.test('the database stops during a FAL webhook: 503; the same delivery after the restart completes once', async (t) => {
  // A PostgreSQL of this test's own, so stopping it disturbs nobody else.
  const dataDir = await postgresDataDir(t);
  let pg = await startEmbeddedPostgres({ dataDir });
  const port = Number(new URL(pg.adminUrl).port);
  await ensureDatabase(pg.adminUrl, 'restart');
  t.teardown(() => pg.stop());
  // The real app, but on this PostgreSQL instead of the run's shared one.
  const { app, deps, telegram, fal } = await buildTestApp(t, { DATABASE_URL: pg.urlFor('restart'), DATA_DIR: dataDir });

  const [user] = await deps.db.insert(users).values({ telegramId: 77, chatId: 77, firstName: 'R', languageCode: 'ru' }).returning();
  const avatar = await trainingRow(deps.db, { userId: user!.id, name: 'Restarted', requestId: 'req-restart' });
  const raw = JSON.stringify({
    request_id: 'req-restart',
    status: 'OK',
    payload: { diffusers_lora_file: { url: 'https://v3.fal.media/l.safetensors' } },
  });
  const deliver = () =>
    app.inject({
      method: 'POST',
      url: '/webhooks/fal',
      headers: { 'content-type': 'application/json', ...fal.sign(raw, { requestId: 'req-restart' }) },
      payload: raw,
    });

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
  t.equal(
    telegram.callsOf('sendMessage').filter((c) => String(c.payload.text).startsWith('✅ Аватар «Restarted» готов!')).length,
    1,
    'one message',
  );
  t.equal((await deliver()).statusCode, 200);
  await deps.tasks.drain(10_000);
  t.equal(telegram.callsOf('sendMessage').length, 1, 'a further redelivery changes nothing');
});
