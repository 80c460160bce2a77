import { eq, inArray } from 'drizzle-orm';
import t from 'tap';
import { avatars, trainingRuns } from '../src/db/schema.js';
import { ALICE, buildTestApp, callbackUpdate, postUpdate, type TestEnv, textUpdate } from './support/helper.js';
import { seedAvatar, userOf } from './support/seed.js';
import { isTo, sentTo } from './support/wizard-driver.js';

/** Per-user limits hold, free or paid, however many taps arrive at once; the user hears which and until when. */

const countAvatars = async (env: TestEnv, userId: number) =>
  (await env.deps.db.select({ id: avatars.id }).from(avatars).where(eq(avatars.userId, userId))).length;

t.test('MAX_AVATARS_PER_USER: names sent at once cannot create more; the menu says so before the wizard', async (t) => {
  const env = await buildTestApp(t, { MAX_AVATARS_PER_USER: '3' });
  const user = await userOf(env, ALICE);
  await seedAvatar(env, user.id, 'one', 'completed', new Date());
  await seedAvatar(env, user.id, 'two', 'draft', new Date());

  await postUpdate(env.app, textUpdate('➕ Создать аватар'));
  // An unfinished draft is offered first; "new" starts the wizard.
  const offer = await env.telegram.waitFor('sendMessage', isTo(ALICE, '📝'));
  await postUpdate(env.app, callbackUpdate('avatar_new', (offer.result as { message_id: number }).message_id));
  await postUpdate(env.app, callbackUpdate('avatar_type:style', 1));
  const answers = await Promise.all(['Alpha', 'Beta', 'Gamma', 'Delta'].map((name) => postUpdate(env.app, textUpdate(name))));
  t.same(new Set(answers.map((r) => r.statusCode)), new Set([200]));
  t.equal(await countAvatars(env, user.id), 3, 'one more, however many names arrived at once');

  await postUpdate(env.app, textUpdate('➕ Создать аватар'));
  await postUpdate(env.app, callbackUpdate('avatar_new', 1));
  const refusals = sentTo(env, ALICE, '🎭 У вас уже 3 аватаров');
  t.ok(refusals.length >= 1, 'the menu refuses before the wizard');
  t.match(refusals[0]?.payload.text, 'Удалите ненужный в «🎭 Мои аватары»');
  t.equal(await countAvatars(env, user.id), 3);
});

t.test('MAX_TRAININGS_IN_FLIGHT_PER_USER: two starts tapped at once, one training; the other hears when to retry', async (t) => {
  const env = await buildTestApp(t);
  const user = await userOf(env, ALICE);
  const first = await seedAvatar(env, user.id, 'first', 'ready', new Date());
  const second = await seedAvatar(env, user.id, 'second', 'ready', new Date());
  await Promise.all([
    postUpdate(env.app, callbackUpdate(`avatar_train:${first.id}`, 1)),
    postUpdate(env.app, callbackUpdate(`avatar_train:${second.id}`, 2)),
  ]);
  await env.deps.tasks.drain(10_000);
  const rows = await env.deps.db
    .select()
    .from(avatars)
    .where(inArray(avatars.id, [first.id, second.id]));
  t.equal(rows.filter((a) => a.status === 'training').length, 1, 'one training');
  t.equal(rows.filter((a) => a.status === 'ready').length, 1, 'the other stays ready');
  t.equal(env.fal.state.submissions.length, 1);
  const running = rows.find((a) => a.status === 'training')!;
  const refusal = sentTo(env, ALICE, '⏳ Сейчас обучается')[0];
  t.match(refusal?.payload.text, `«${running.name}»: одновременно можно обучать один аватар`);
  t.match(refusal?.payload.text, /примерно через (\d+ ч )?\d+ мин/, 'when it frees up');
});

t.test('MAX_TRAININGS_PER_DAY_PER_USER: counted over 24 hours; a refused or failed attempt does not count', async (t) => {
  const env = await buildTestApp(t, { MAX_TRAININGS_PER_DAY_PER_USER: '2' });
  const user = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, user.id, 'daily', 'failed', new Date());
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
  await env.deps.db.insert(trainingRuns).values([
    { submitKey: 'old', userId: user.id, avatarId: avatar.id, startedAt: hoursAgo(30) },
    { submitKey: 'released', userId: user.id, avatarId: avatar.id, startedAt: hoursAgo(1), releasedAt: new Date() },
    { submitKey: 'counted-1', userId: user.id, avatarId: avatar.id, startedAt: hoursAgo(20) },
    { submitKey: 'counted-2', userId: user.id, avatarId: avatar.id, startedAt: hoursAgo(2) },
  ]);
  await postUpdate(env.app, callbackUpdate(`avatar_train:${avatar.id}`, 1));
  const refusal = sentTo(env, ALICE, '📅')[0];
  t.match(refusal?.payload.text, 'За последние 24 часа вы запустили 2 обучения');
  t.match(refusal?.payload.text, /через 4 ч( \d+ мин)?\./, 'the oldest counted attempt leaves the window in about 4 hours');
  t.equal(env.fal.state.submissions.length, 0);

  await env.deps.db
    .update(trainingRuns)
    .set({ startedAt: hoursAgo(25) })
    .where(eq(trainingRuns.submitKey, 'counted-1'));
  await postUpdate(env.app, callbackUpdate(`avatar_train:${avatar.id}`, 1));
  await env.fal.waitForSubmission(1);
  await env.deps.tasks.drain(10_000);
  const [row] = await env.deps.db.select().from(avatars).where(eq(avatars.id, avatar.id));
  t.equal(row?.status, 'training', 'started once a slot freed up');
  const runs = await env.deps.db.select().from(trainingRuns).where(eq(trainingRuns.submitKey, row!.submitKey!));
  t.equal(runs.length, 1, 'the attempt is recorded by its submit key');
});

t.test('the day’s limit is told when a new avatar is started, before its photos; the wizard goes on', async (t) => {
  const env = await buildTestApp(t, { MAX_TRAININGS_PER_DAY_PER_USER: '1' });
  const user = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, user.id, 'today', 'completed', new Date());
  await postUpdate(env.app, textUpdate('➕ Создать аватар'));
  t.equal(sentTo(env, ALICE, '📅').length, 0, 'nothing said while a training is left today');
  t.equal(sentTo(env, ALICE, '🎭 Какой аватар создаём?').length, 1);

  await env.deps.db
    .insert(trainingRuns)
    .values({ submitKey: 'today', userId: user.id, avatarId: avatar.id, startedAt: new Date(Date.now() - 3600_000) });
  await postUpdate(env.app, textUpdate('➕ Создать аватар'));
  const told = sentTo(env, ALICE, '📅');
  t.equal(told.length, 1);
  t.match(
    told[0]?.payload.text,
    /вы запустили 1 обучение — это максимум на сутки\.\n\nАватар можно подготовить уже сейчас, а обучение запустить через 23 ч( \d+ мин)?\./,
  );
  const questions = sentTo(env, ALICE, '🎭 Какой аватар создаём?');
  t.equal(questions.length, 2, 'and the type question follows');
  t.ok(
    env.telegram.calls.indexOf(env.telegram.calls.find((c) => c.payload === told[0]!.payload)!) <
      env.telegram.calls.indexOf(env.telegram.calls.find((c) => c.payload === questions[1]!.payload)!),
    'the limit first, the question below it',
  );
});
