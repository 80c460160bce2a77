import { readFile } from 'node:fs/promises';
import { and, eq, isNull } from 'drizzle-orm';
import t from 'tap';
import { texts } from '../src/bot/texts/index.js';
import { avatars, falWebhookEvents, notifications, users } from '../src/db/schema.js';
import { enqueueNotification } from '../src/domain/notifications.js';
import {
  ALICE,
  BOB,
  buildTestApp,
  callbackUpdate,
  deliverFalWebhook,
  type From,
  INTERNAL_TOKEN,
  postUpdate,
  sendFalWebhook,
  type TestEnv,
  webhookPathOf,
} from './support/helper.js';
import { isTo, startWizard, uploadPhotos } from './support/wizard-driver.js';

const seedResult = JSON.parse(await readFile(new URL('./support/fixtures/seed-portrait-result.json', import.meta.url), 'utf8')) as {
  diffusers_lora_file: { url: string };
  config_file: { url: string };
};

const okBody = (requestId: string, payload: unknown = seedResult) => ({
  request_id: requestId,
  gateway_request_id: requestId,
  status: 'OK',
  payload,
});

const deliver = deliverFalWebhook;

const checkStatus = (env: TestEnv) =>
  env.app.inject({ method: 'POST', url: '/internal/check-status', headers: { authorization: `Bearer ${INTERNAL_TOKEN}` } });

/** Through the real wizard to a submitted training; returns the avatar and FAL's request id. */
async function startTraining(env: TestEnv, from: From, name: string) {
  const { avatarId, progressMessageId } = await startWizard(env, from, 'portrait', name);
  await uploadPhotos(env, from, 10, name);
  const before = env.fal.state.submissions.length;
  await postUpdate(env.app, callbackUpdate(`avatar_photos_ready:${avatarId}`, progressMessageId, from));
  await postUpdate(env.app, callbackUpdate(`avatar_train:${avatarId}`, progressMessageId, from));
  const submission = await env.fal.waitForSubmission(before + 1);
  await env.deps.tasks.drain(10_000);
  return { avatarId, requestId: submission.requestId, progressMessageId };
}

const settle = (env: TestEnv) => env.deps.tasks.drain(10_000);

/** Messages Telegram accepted (a refused attempt is recorded too, without a result). */
const delivered = (env: TestEnv, prefix: string) =>
  env.telegram.callsOf('sendMessage').filter((c) => c.result !== undefined && String(c.payload.text).startsWith(prefix));
const readyMessages = (env: TestEnv, name: string) => delivered(env, `✅ Аватар «${name}» готов!`);
const failedMessages = (env: TestEnv, name: string) => delivered(env, `❌ Не удалось обучить аватар «${name}»`);

async function avatarRow(env: TestEnv, id: string) {
  const [row] = await env.deps.db.select().from(avatars).where(eq(avatars.id, id));
  return row;
}

t.test('ten concurrent deliveries of one webhook: one completion, one message', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, requestId } = await startTraining(env, ALICE, 'Storm');
  const answers = await Promise.all(Array.from({ length: 10 }, () => deliver(env, requestId, okBody(requestId))));
  t.same(
    answers.map((r) => r.statusCode),
    Array(10).fill(200),
  );
  await settle(env);

  const row = await avatarRow(env, avatarId);
  t.match(row, {
    status: 'completed',
    diffusersLoraFileUrl: seedResult.diffusers_lora_file.url,
    configFileUrl: seedResult.config_file.url,
    finetuneId: null,
    error: null,
  });
  t.ok(row?.trainingFinishedAt);
  t.same(row?.falResponse, okBody(requestId), 'the full FAL response is kept');
  const ready = readyMessages(env, 'Storm');
  t.equal(ready.length, 1, 'exactly one message');
  t.equal(env.logs.lines.filter((l) => l.includes('"msg":"FAL event applied"')).length, 1, 'exactly one status change');
  t.equal(env.logs.lines.filter((l) => l.includes('"msg":"FAL webhook stored"')).length, 10, 'one line per delivery');
  t.match(JSON.stringify(ready[0]?.payload.reply_markup), `🎨 Генерировать","callback_data":"avatar_generate:${avatarId}`);
  t.match(JSON.stringify(ready[0]?.payload.reply_markup), '🎭 Мои аватары');
  const [user] = await env.deps.db.select().from(users).where(eq(users.telegramId, ALICE.id));
  t.equal(user?.mainAvatarId, avatarId, 'the first completed avatar becomes the main one');
  const [event] = await env.deps.db.select().from(falWebhookEvents).where(eq(falWebhookEvents.requestId, requestId));
  t.ok(event?.appliedAt);
  const stored = env.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'FAL webhook stored');
  t.equal(stored.filter((l) => l.duplicate === false).length, 1, 'one delivery stored the event, nine were duplicates');
});

t.test('a webhook and the status checker racing: one completion, one message', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, requestId } = await startTraining(env, ALICE, 'Race');
  env.fal.state.jobs.set(requestId, { status: 'COMPLETED', result: { status: 200, body: seedResult } });
  const [hook, check, hook2, check2] = await Promise.all([
    deliver(env, requestId, okBody(requestId)),
    checkStatus(env),
    deliver(env, requestId, okBody(requestId)),
    checkStatus(env),
  ]);
  t.same([hook.statusCode, check.statusCode, hook2.statusCode, check2.statusCode], [200, 200, 200, 200]);
  await settle(env);
  t.equal((await avatarRow(env, avatarId))?.status, 'completed');
  t.equal(readyMessages(env, 'Race').length, 1);
  const completions = [check.json(), check2.json()].reduce((n, s: { completed: number }) => n + s.completed, 0);
  t.ok(completions <= 1, 'the checkers together completed it at most once');
});

t.test('a lost webhook: the status checker completes the training from FAL, by the submit request id', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, requestId } = await startTraining(env, ALICE, 'Lost');

  const running = await checkStatus(env);
  t.match(running.json(), { checked: 1, completed: 0, stillRunning: 1 });
  t.equal((await avatarRow(env, avatarId))?.status, 'training');

  env.fal.state.jobs.set(requestId, { status: 'COMPLETED', result: { status: 200, body: seedResult } });
  env.fal.state.queueRequests.length = 0;
  // The lease keeps a just-checked training from being asked about again at once.
  await env.deps.db.update(avatars).set({ statusCheckedAt: null }).where(eq(avatars.id, avatarId));
  const done = await checkStatus(env);
  t.match(done.json(), { checked: 1, completed: 1, failed: 0, notificationsSent: 1 });
  t.same(
    env.fal.state.queueRequests,
    [`GET /fal-ai/flux-lora-portrait-trainer/requests/${requestId}/status`, `GET /fal-ai/flux-lora-portrait-trainer/requests/${requestId}`],
    'status and result are asked for with the submit request id (the post-mortem’s third bug)',
  );
  t.match(await avatarRow(env, avatarId), { status: 'completed', diffusersLoraFileUrl: seedResult.diffusers_lora_file.url });
  t.equal(readyMessages(env, 'Lost').length, 1);

  const late = await deliver(env, requestId, okBody(requestId));
  t.equal(late.statusCode, 200, 'the webhook arriving after all is acknowledged');
  await settle(env);
  t.equal(readyMessages(env, 'Lost').length, 1, 'and changes nothing');
});

t.test('a finetune_id result (a pro-trainer job submitted before that trainer was refused) is stored through the checker', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, requestId } = await startTraining(env, ALICE, 'Pro');
  env.fal.state.jobs.set(requestId, { status: 'COMPLETED', result: { status: 200, body: { finetune_id: 'ft-abc-123' } } });
  t.match((await checkStatus(env)).json(), { completed: 1 });
  t.match(await avatarRow(env, avatarId), {
    status: 'completed',
    finetuneId: 'ft-abc-123',
    diffusersLoraFileUrl: null,
    falRequestId: requestId,
  });
});

t.test('a webhook that arrives before the submit returned is applied once the request id is known', async (t) => {
  const env = await buildTestApp(t);
  env.fal.state.onSubmit = async (submission) => {
    // Answered while submit waits: its application comes after the submit's own work.
    const res = await sendFalWebhook(env, submission.requestId, okBody(submission.requestId), webhookPathOf(submission));
    if (res.statusCode !== 200) throw new Error(`early webhook answered ${res.statusCode}`);
  };
  const { avatarId, requestId } = await startTraining(env, ALICE, 'Early');
  await settle(env);
  t.match(await avatarRow(env, avatarId), { status: 'completed', falRequestId: requestId });
  t.equal(readyMessages(env, 'Early').length, 1);
});

t.test('an ERROR webhook fails the training with one message, and the retry trains again', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, requestId, progressMessageId } = await startTraining(env, ALICE, 'Broken');
  const body = { request_id: requestId, status: 'ERROR', payload: null, error: 'Invalid zip', payload_error: 'Invalid zip' };
  await Promise.all([deliver(env, requestId, body), deliver(env, requestId, body)]);
  await settle(env);
  t.match(await avatarRow(env, avatarId), { status: 'failed', error: 'FAL reported ERROR: Invalid zip' });
  const failed = failedMessages(env, 'Broken');
  t.equal(failed.length, 1);
  t.match(failed[0]?.payload.text, /сервис обучения сообщил об ошибке.*Фото сохранены/s);
  t.match(JSON.stringify(failed[0]?.payload.reply_markup), `🔁 Повторить обучение","callback_data":"avatar_train:${avatarId}`);

  await postUpdate(env.app, callbackUpdate(`avatar_train:${avatarId}`, progressMessageId, ALICE));
  const again = await env.fal.waitForSubmission(2);
  await settle(env);
  t.not(again.requestId, requestId);
  t.match(await avatarRow(env, avatarId), { status: 'training', falRequestId: again.requestId, error: null });
  await deliver(env, again.requestId, okBody(again.requestId));
  await settle(env);
  t.equal(readyMessages(env, 'Broken').length, 1, 'the second training ends with its own message');
});

t.test('COMPLETED with a result fetch that fails with 422 is a failure; a 5xx is left for the next check', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, requestId } = await startTraining(env, ALICE, 'Unprocessable');
  env.fal.state.jobs.set(requestId, { status: 'COMPLETED', result: { status: 503, body: { detail: 'busy' } } });
  t.match((await checkStatus(env)).json(), { checked: 1, errors: 1, failed: 0 });
  t.equal((await avatarRow(env, avatarId))?.status, 'training');

  await env.deps.db.update(avatars).set({ statusCheckedAt: null }).where(eq(avatars.id, avatarId));
  env.fal.state.jobs.set(requestId, {
    status: 'COMPLETED',
    result: { status: 422, body: { detail: [{ msg: 'images_data_url: no images found' }] } },
  });
  t.match((await checkStatus(env)).json(), { checked: 1, failed: 1, notificationsSent: 1 });
  t.match(await avatarRow(env, avatarId), { status: 'failed', error: /result fetch answered 422: .*no images found/ });
  t.equal(failedMessages(env, 'Unprocessable').length, 1);
});

t.test('a training past the time limit fails as timed out and is cancelled at FAL', async (t) => {
  const env = await buildTestApp(t, { TRAINING_TIMEOUT_MINUTES: '60' });
  const { avatarId, requestId } = await startTraining(env, ALICE, 'Slow');
  await env.deps.db
    .update(avatars)
    .set({ trainingStartedAt: new Date(Date.now() - 61 * 60_000) })
    .where(eq(avatars.id, avatarId));
  t.match((await checkStatus(env)).json(), { checked: 1, failed: 1 });
  t.match(await avatarRow(env, avatarId), { status: 'failed', error: 'timed out' });
  t.equal(env.fal.state.jobs.get(requestId)?.cancelled, true);
  t.match(failedMessages(env, 'Slow')[0]?.payload.text, /обучение заняло слишком много времени/);
});

t.test('a webhook for a deleted avatar is acknowledged and ignored', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, requestId } = await startTraining(env, ALICE, 'Gone');
  await env.deps.db.delete(avatars).where(eq(avatars.id, avatarId));
  const res = await deliver(env, requestId, okBody(requestId));
  t.equal(res.statusCode, 200);
  await settle(env);
  t.equal(readyMessages(env, 'Gone').length, 0);
  t.match((await checkStatus(env)).json(), { completed: 0, failed: 0, notificationsSent: 0 });
});

t.test('a submission interrupted by a crash is put back to ready and the user told', async (t) => {
  const env = await buildTestApp(t, { SUBMIT_STUCK_MINUTES: '10' });
  const { avatarId, progressMessageId } = await startWizard(env, BOB, 'portrait', 'Interrupted');
  await uploadPhotos(env, BOB, 10);
  await postUpdate(env.app, callbackUpdate(`avatar_photos_ready:${avatarId}`, progressMessageId, BOB));
  // What a crash right after "start training" leaves behind.
  await env.deps.db
    .update(avatars)
    .set({ status: 'submitting', updatedAt: new Date(Date.now() - 11 * 60_000) })
    .where(eq(avatars.id, avatarId));
  t.match((await checkStatus(env)).json(), { interrupted: 1, notificationsSent: 1 });
  t.match(await avatarRow(env, avatarId), { status: 'ready', error: 'submission interrupted' });
  await env.telegram.waitFor('sendMessage', isTo(BOB, '❌ Could not train “Interrupted”: starting the training was interrupted'));
});

t.test('notifications: Telegram 429 is waited out, 500 is retried by the next check, 403 stops', async (t) => {
  const env = await buildTestApp(t);
  const a = await startTraining(env, ALICE, 'Throttled');
  env.telegram.failNext('sendMessage', {
    error_code: 429,
    description: 'Too Many Requests: retry after 1',
    parameters: { retry_after: 1 },
  });
  await deliver(env, a.requestId, okBody(a.requestId));
  await settle(env);
  t.equal(readyMessages(env, 'Throttled').length, 1, '429 → waited retry_after, then sent once');

  const b = await startTraining(env, ALICE, 'Flaky');
  env.telegram.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' });
  await deliver(env, b.requestId, okBody(b.requestId));
  await settle(env);
  t.equal(readyMessages(env, 'Flaky').length, 0, 'not delivered yet');
  const [pending] = await env.deps.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.dedupeKey, `training:${b.requestId}`), isNull(notifications.sentAt)));
  t.match(pending, { attempts: 1, lastError: /500/ });
  await env.deps.db.update(notifications).set({ nextAttemptAt: new Date() }).where(eq(notifications.id, pending!.id));
  t.match((await checkStatus(env)).json(), { notificationsSent: 1 });
  t.equal(readyMessages(env, 'Flaky').length, 1, 'the next check sent it, once');

  const c = await startTraining(env, BOB, 'Blocked');
  env.telegram.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
  await deliver(env, c.requestId, okBody(c.requestId));
  await settle(env);
  const [dead] = await env.deps.db
    .select()
    .from(notifications)
    .where(eq(notifications.dedupeKey, `training:${c.requestId}`));
  t.ok(dead?.deadAt, 'marked dead');
  const sendsBefore = env.telegram.callsOf('sendMessage').length;
  await checkStatus(env);
  t.equal(env.telegram.callsOf('sendMessage').length, sendsBefore, 'never retried');
});

t.test('a crash between commit and send: the next check sends the message once', async (t) => {
  const env = await buildTestApp(t);
  const { requestId } = await startTraining(env, ALICE, 'Crashed');
  // The completion is committed, but the process dies before the outbox is drained.
  const { completeTraining } = await import('../src/domain/training/completion.js');
  const { normalizeTrainingWebhook } = await import('../src/domain/training/result.js');
  await completeTraining(env.deps.db, requestId, normalizeTrainingWebhook(okBody(requestId)));
  t.equal(readyMessages(env, 'Crashed').length, 0);
  t.match((await checkStatus(env)).json(), { notificationsSent: 1 });
  t.match((await checkStatus(env)).json(), { notificationsSent: 0 });
  t.equal(readyMessages(env, 'Crashed').length, 1);
});

t.test('two status checks at once over 50 trainings: each is processed once', async (t) => {
  const env = await buildTestApp(t);
  const [user] = await env.deps.db
    .insert(users)
    .values({ telegramId: 9000, chatId: 9000, firstName: 'Many', languageCode: 'ru' })
    .returning();
  const base = `${env.fal.url}/queue.fal.run/fal-ai/flux-lora-portrait-trainer/requests`;
  const rows = Array.from({ length: 50 }, (_, i) => ({
    userId: user!.id,
    name: `Batch ${i}`,
    trainingType: 'portrait' as const,
    status: 'training' as const,
    triggerPhrase: `TOK_${i}`,
    falRequestId: `batch-${i}`,
    falStatusUrl: `${base}/batch-${i}/status`,
    falResponseUrl: `${base}/batch-${i}`,
    trainingStartedAt: new Date(),
  }));
  await env.deps.db.insert(avatars).values(rows);
  for (const row of rows) env.fal.state.jobs.set(row.falRequestId, { status: 'COMPLETED', result: { status: 200, body: seedResult } });

  const [first, second] = await Promise.all([checkStatus(env), checkStatus(env)]);
  const a = first.json();
  const b = second.json();
  t.equal(a.checked + b.checked, 50, 'between them they checked all 50');
  t.equal(a.completed + b.completed, 50);
  const statusAsks = env.fal.state.queueRequests.filter((r) => r.endsWith('/status'));
  t.equal(statusAsks.length, 50, 'each training was asked about once');
  t.equal(new Set(statusAsks).size, 50);
  await settle(env);
  const sent = env.telegram.callsOf('sendMessage').filter((c) => c.payload.chat_id === 9000);
  t.equal(sent.length, 50, 'one message per training');
  t.equal(new Set(sent.map((c) => c.payload.text)).size, 50);
});

t.test('one drain sends a burst past its batch, each chat’s messages in the order they were written', async (t) => {
  const env = await buildTestApp(t);
  // Twenty chats, three messages each: Russian, English, Russian.
  for (let i = 0; i < 60; i++) {
    await enqueueNotification(env.deps.db, {
      chatId: 70_000 + (i % 20),
      dedupeKey: `burst:${i}`,
      payload: { type: 'private_only', languageCode: i >= 20 && i < 40 ? 'en' : 'ru' },
    });
  }
  env.deps.notifier.drainSoon();
  await env.deps.tasks.drain(10_000);
  const sent = env.telegram.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) >= 70_000);
  t.equal(sent.length, 60, 'all sixty, though one drain claims fifty');
  const pending = await env.deps.db.select().from(notifications).where(isNull(notifications.sentAt));
  t.same(pending, []);
  for (let chat = 70_000; chat < 70_020; chat++) {
    const order = sent.filter((c) => c.payload.chat_id === chat).map((c) => c.payload.text);
    t.same(order, [texts.ru.privateOnly, texts.en.privateOnly, texts.ru.privateOnly], `chat ${chat}`);
  }
});
