import { count } from 'drizzle-orm';
import t from 'tap';
import { avatars, processedUpdates, shownCards, starOffers, trainingRuns } from '../src/db/schema.js';
import { ALICE, buildTestApp, INTERNAL_TOKEN, type TestEnv } from './support/helper.js';
import { userOf } from './support/seed.js';

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
      prunedOffers: 0,
      prunedTrainingRuns: 0,
      prunedCards: 0,
      lorasCopied: 0,
      setsStarted: 0,
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

  t.test('prunes offers and training attempts older than a week, keeps recent ones', async (t) => {
    const old = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    const user = await userOf({ app, deps } as TestEnv, ALICE);
    const avatarId = '00000000-0000-4000-8000-000000000001';
    await deps.db.insert(starOffers).values([{ userId: user.id, createdAt: old }, { userId: user.id }]);
    await deps.db.insert(trainingRuns).values([
      { submitKey: 'old-released', userId: user.id, avatarId, startedAt: old, releasedAt: old },
      { submitKey: 'old', userId: user.id, avatarId, startedAt: old },
      { submitKey: 'today', userId: user.id, avatarId },
    ]);
    const res = await call(`Bearer ${INTERNAL_TOKEN}`);
    t.match(res.json(), { prunedOffers: 1, prunedTrainingRuns: 2 });
    t.equal((await deps.db.select().from(starOffers)).length, 1);
    t.same(
      (await deps.db.select({ key: trainingRuns.submitKey }).from(trainingRuns)).map((r) => r.key),
      ['today'],
      'today’s attempt still counts for the daily limit',
    );
  });

  t.test('forgets gallery cards shown over two days ago, keeps recent ones', async (t) => {
    const user = await userOf({ app, deps } as TestEnv, ALICE);
    const [avatar] = await deps.db.insert(avatars).values({ userId: user.id, name: 'Shown', trainingType: 'portrait' }).returning();
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600 * 1000);
    await deps.db.insert(shownCards).values([
      { chatId: ALICE.id, messageId: 1, avatarId: avatar!.id, shownAt: hoursAgo(49) },
      { chatId: ALICE.id, messageId: 2, avatarId: avatar!.id, shownAt: hoursAgo(47) },
    ]);
    const res = await call(`Bearer ${INTERNAL_TOKEN}`);
    t.equal(res.json().prunedCards, 1);
    t.same(
      (await deps.db.select({ id: shownCards.messageId }).from(shownCards)).map((r) => r.id),
      [2],
    );
  });
});

t.test('without INTERNAL_API_TOKEN configured nobody gets in', async (t) => {
  const { app } = await buildTestApp(t, { INTERNAL_API_TOKEN: '' });
  for (const authorization of ['Bearer ', 'Bearer undefined', 'Bearer x']) {
    const res = await app.inject({ method: 'POST', url: '/internal/check-status', headers: { authorization } });
    t.equal(res.statusCode, 401);
  }
});
