import { count } from 'drizzle-orm';
import t from 'tap';
import { processedUpdates } from '../src/db/schema.js';
import { buildTestApp, INTERNAL_TOKEN } from './support/helper.js';

t.test('POST /internal/check-status', async (t) => {
  const { app, deps } = await buildTestApp(t);
  const call = (authorization?: string) =>
    app.inject({ method: 'POST', url: '/internal/check-status', headers: authorization ? { authorization } : {} });

  t.test('refuses a missing, malformed or wrong bearer token with 401', async (t) => {
    for (const header of [undefined, INTERNAL_TOKEN, `Basic ${INTERNAL_TOKEN}`, 'Bearer ', 'Bearer wrong', `Bearer ${INTERNAL_TOKEN}x`]) {
      const res = await call(header);
      t.equal(res.statusCode, 401, `Authorization: ${header}`);
      t.equal(res.json().error, 'Unauthorized');
    }
  });

  t.test('answers a JSON summary for the right token', async (t) => {
    const res = await call(`Bearer ${INTERNAL_TOKEN}`);
    t.equal(res.statusCode, 200);
    t.same(res.json(), {
      checked: 0,
      completed: 0,
      failed: 0,
      stillRunning: 0,
      errors: 0,
      notificationsSent: 0,
      interrupted: 0,
      generationsCompleted: 0,
      generationsFailed: 0,
      filesDeleted: 0,
      prunedUpdates: 0,
      prunedEvents: 0,
    });
  });

  t.test('prunes update claims older than a week, keeps recent ones', async (t) => {
    const old = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    await deps.db.insert(processedUpdates).values([{ updateId: 1, processedAt: old }, { updateId: 2, processedAt: old }, { updateId: 3 }]);
    const res = await call(`Bearer ${INTERNAL_TOKEN}`);
    t.equal(res.json().prunedUpdates, 2);
    const [left] = await deps.db.select({ n: count() }).from(processedUpdates);
    t.equal(left?.n, 1);
  });
});

t.test('without INTERNAL_API_TOKEN configured nobody gets in', async (t) => {
  const { app } = await buildTestApp(t, { INTERNAL_API_TOKEN: '' });
  for (const authorization of ['Bearer ', 'Bearer undefined', 'Bearer x']) {
    const res = await app.inject({ method: 'POST', url: '/internal/check-status', headers: { authorization } });
    t.equal(res.statusCode, 401);
  }
});
