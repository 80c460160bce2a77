import { readFile } from 'node:fs/promises';
import { eq, sql } from 'drizzle-orm';
import t from 'tap';
import { avatars, falWebhookEvents, generations, notifications } from '../src/db/schema.js';
import { RawJson, runnerError } from './support/fakes/fal-api.js';
import {
  ALICE,
  buildTestApp,
  callbackUpdate,
  deliverFalWebhook,
  deliverRawFalWebhook,
  INTERNAL_TOKEN,
  postUpdate,
  sendFalWebhook,
  type TestEnv,
} from './support/helper.js';
import { seedAvatar, userOf } from './support/seed.js';
import { startWizard, uploadPhotos } from './support/wizard-driver.js';

/** How the real FAL misbehaves, reproduced by the fake, and what the service does about it. */

const seedResult = JSON.parse(await readFile(new URL('./support/fixtures/seed-portrait-result.json', import.meta.url), 'utf8')) as {
  diffusers_lora_file: { url: string };
};
const BIG_SEED = '17454220438242315174';

async function checkStatus(env: TestEnv) {
  const res = await env.app.inject({
    method: 'POST',
    url: '/internal/check-status',
    headers: { authorization: `Bearer ${INTERNAL_TOKEN}` },
  });
  return { statusCode: res.statusCode, summary: res.json() as Record<string, number> };
}

/** Lets the next check look at every in-flight row again (the lease keeps a row for 60 s). */
const expireLeases = (env: TestEnv) =>
  env.deps.db.execute(sql`update avatars set status_checked_at = null; update generations set status_checked_at = null`);

const jobBase = (env: TestEnv, model: string, requestId: string) => `${env.fal.url}/queue.fal.run/fal-ai/${model}/requests/${requestId}`;

async function runningGeneration(env: TestEnv, requestId: string) {
  const alice = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, alice.id, `Gen-${requestId}`, 'completed', new Date());
  const base = jobBase(env, 'flux-lora', requestId);
  const [generation] = await env.deps.db
    .insert(generations)
    .values({
      avatarId: avatar.id,
      userId: alice.id,
      prompt: 'p',
      fullPrompt: 'p',
      modelId: 'fal-ai/flux-lora',
      format: 'portrait',
      status: 'running',
      falRequestId: requestId,
      falStatusUrl: `${base}/status`,
      falResponseUrl: base,
    })
    .returning();
  env.fal.state.jobs.set(requestId, { status: 'IN_PROGRESS' });
  return generation!;
}

const imagesJson = (env: TestEnv, seed: string) =>
  `{"images":[{"url":"${env.fal.url}/files/a.jpg","width":8,"height":8}],"seed":${seed},"has_nsfw_concepts":[false]}`;

async function training(env: TestEnv, name: string) {
  const alice = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, alice.id, name, 'training', new Date());
  env.fal.state.jobs.set(`req-${name}`, { status: 'IN_PROGRESS' });
  return avatar;
}

async function avatarRow(env: TestEnv, id: string) {
  const [row] = await env.deps.db.select().from(avatars).where(eq(avatars.id, id));
  return row!;
}

t.test('a seed past 2^63 is stored exactly, from the webhook and from the status check', async (t) => {
  const env = await buildTestApp(t);
  const viaWebhook = await runningGeneration(env, 'req-big-1');
  const res = await deliverRawFalWebhook(
    env,
    'req-big-1',
    `{"request_id":"req-big-1","status":"OK","payload":${imagesJson(env, BIG_SEED)}}`,
  );
  t.equal(res.statusCode, 200);
  const [one] = await env.deps.db.select().from(generations).where(eq(generations.id, viaWebhook.id));
  t.equal(one?.status, 'completed');
  t.equal(one?.seed, BIG_SEED, 'every digit kept');

  const viaCheck = await runningGeneration(env, 'req-big-2');
  env.fal.state.jobs.set('req-big-2', { status: 'COMPLETED', result: { status: 200, body: new RawJson(imagesJson(env, BIG_SEED)) } });
  const check = await checkStatus(env);
  t.equal(check.statusCode, 200);
  const [two] = await env.deps.db.select().from(generations).where(eq(generations.id, viaCheck.id));
  t.equal(two?.seed, BIG_SEED);
});

t.test('a poisoned event beside 100 healthy trainings: the check completes the 100 and answers 200', async (t) => {
  const env = await buildTestApp(t, { CHECK_STATUS_BUDGET_MS: '60000' });
  const alice = await userOf(env, ALICE);
  const rows = await env.deps.db
    .insert(avatars)
    .values(
      Array.from({ length: 101 }, (_, i) => {
        const requestId = i === 100 ? 'req-poison' : `req-ok-${i}`;
        const base = jobBase(env, 'flux-lora-portrait-trainer', requestId);
        return {
          userId: alice.id,
          name: i === 100 ? 'Poison' : `Ok ${i}`,
          trainingType: 'portrait' as const,
          status: 'training' as const,
          triggerPhrase: 'TOK_1',
          falRequestId: requestId,
          falStatusUrl: `${base}/status`,
          falResponseUrl: base,
          trainingStartedAt: new Date(),
        };
      }),
    )
    .returning();
  for (const row of rows) env.fal.state.jobs.set(row.falRequestId!, { status: 'COMPLETED', result: { status: 200, body: seedResult } });
  // A row whose good result can never be written: every completion of it throws.
  await env.deps.db.execute(sql`
    create function poison() returns trigger language plpgsql as $$
    begin
      if new.fal_request_id = 'req-poison' and new.status = 'completed' then raise exception 'poisoned row'; end if;
      return new;
    end $$;
    create trigger poison before update on avatars for each row execute function poison()`);
  const early = await deliverFalWebhook(env, 'req-poison', { request_id: 'req-poison', status: 'OK', payload: seedResult });
  t.equal(early.statusCode, 200, 'the event is stored; applying it is retried by the checker');

  const first = await checkStatus(env);
  t.equal(first.statusCode, 200);
  t.equal(first.summary.completed, 100, 'the healthy trainings complete');
  t.ok((first.summary.errors ?? 0) >= 1, 'the poisoned one is counted as an error');
  for (let i = 0; i < 3; i++) {
    await expireLeases(env);
    t.equal((await checkStatus(env)).statusCode, 200);
  }
  const poison = await avatarRow(env, rows[100]!.id);
  t.equal(poison.status, 'failed', 'given up after a few attempts');
  t.match(poison.error, /poisoned row/, 'with the reason');
  const [event] = await env.deps.db.select().from(falWebhookEvents).where(eq(falWebhookEvents.requestId, 'req-poison'));
  t.ok(event?.failedAt, 'the event is marked failed');
  const told = await env.deps.db.select().from(notifications).where(eq(notifications.dedupeKey, 'training:req-poison'));
  t.equal(told.length, 1, 'the user is told');
});

t.test('a submit whose answer is lost is sent once, and its webhook still finds the avatar', async (t) => {
  const env = await buildTestApp(t, { PUBLIC_URL: 'https://bot.example.com' });
  const { avatarId, progressMessageId } = await startWizard(env, ALICE, 'portrait', 'Lost');
  await uploadPhotos(env, ALICE, 10);
  env.fal.state.loseSubmitAnswers = 1;
  await postUpdate(env.app, callbackUpdate(`avatar_photos_ready:${avatarId}`, progressMessageId, ALICE));
  await postUpdate(env.app, callbackUpdate(`avatar_train:${avatarId}`, progressMessageId, ALICE));
  await env.deps.tasks.drain(30_000);
  t.equal(env.fal.state.submissions.length, 1, 'no second (paid) submit');
  const submission = env.fal.state.submissions[0]!;
  const hook = new URL(submission.webhookUrl!);
  t.equal(hook.origin + hook.pathname, 'https://bot.example.com/webhooks/fal');
  t.match(hook.searchParams.get('key'), /^[0-9a-f]{32}$/, 'a key of this attempt rides in the webhook URL');
  t.equal((await avatarRow(env, avatarId)).status, 'ready', 'the user may retry');

  const res = await deliverFalWebhook(
    env,
    submission.requestId,
    { request_id: submission.requestId, status: 'OK', payload: seedResult },
    hook.pathname + hook.search,
  );
  t.equal(res.statusCode, 200);
  const row = await avatarRow(env, avatarId);
  t.equal(row.status, 'completed', 'the job FAL did queue is attached and completed');
  t.equal(row.falRequestId, submission.requestId);
  t.equal(row.diffusersLoraFileUrl, seedResult.diffusers_lora_file.url);
});

t.test('a COMPLETED job whose result is a runner error fails at once, with FAL’s reason', async (t) => {
  const env = await buildTestApp(t);
  const avatar = await training(env, 'Runner');
  env.fal.state.jobs.set('req-Runner', { status: 'COMPLETED', result: runnerError(503, 'runner_disconnected', 'Runner disconnected') });
  const check = await checkStatus(env);
  t.equal(check.summary.failed, 1);
  const row = await avatarRow(env, avatar.id);
  t.equal(row.status, 'failed');
  t.match(row.error, /runner_disconnected/);
});

t.test('a 5xx without FAL’s error type is retried a bounded number of times, then fails', async (t) => {
  const env = await buildTestApp(t);
  const avatar = await training(env, 'Flaky');
  env.fal.state.jobs.set('req-Flaky', { status: 'COMPLETED', result: { status: 502, body: '<html>Bad Gateway</html>' } });
  const first = await checkStatus(env);
  t.equal(first.summary.errors, 1);
  t.equal((await avatarRow(env, avatar.id)).status, 'training', 'one bad answer is not a verdict');
  for (let i = 0; i < 5; i++) {
    await expireLeases(env);
    await checkStatus(env);
  }
  const row = await avatarRow(env, avatar.id);
  t.equal(row.status, 'failed');
  t.match(row.error, /502/);
});

t.test('payload_error: the job succeeded, its result is fetched from the response URL', async (t) => {
  const env = await buildTestApp(t);
  const avatar = await training(env, 'Unserialisable');
  env.fal.state.jobs.set('req-Unserialisable', { status: 'COMPLETED', result: { status: 200, body: seedResult } });
  const res = await deliverFalWebhook(env, 'req-Unserialisable', {
    request_id: 'req-Unserialisable',
    status: 'OK',
    payload: null,
    payload_error: 'Response payload could not be serialized',
  });
  t.equal(res.statusCode, 200);
  const row = await avatarRow(env, avatar.id);
  t.equal(row.status, 'completed');
  t.equal(row.diffusersLoraFileUrl, seedResult.diffusers_lora_file.url);
});

t.test('a webhook is answered once stored, not after FAL hands its result over: the training completes after', async (t) => {
  const env = await buildTestApp(t);
  const avatar = await training(env, 'Slow');
  let release = () => {};
  const resultGate = new Promise<void>((resolve) => {
    release = resolve;
  });
  env.fal.state.jobs.set('req-Slow', { status: 'COMPLETED', result: { status: 200, body: seedResult }, resultGate });
  const body = { request_id: 'req-Slow', status: 'OK', payload: null, payload_error: 'Response payload could not be serialized' };
  const res = await sendFalWebhook(env, 'req-Slow', body);
  t.equal(res.statusCode, 200, 'answered while FAL still holds the result');
  const [event] = await env.deps.db.select().from(falWebhookEvents).where(eq(falWebhookEvents.requestId, 'req-Slow'));
  t.match(event, { status: 'OK', appliedAt: null }, 'stored before the answer, applied after it');
  t.equal((await avatarRow(env, avatar.id)).status, 'training');
  release();
  await env.deps.tasks.drain(10_000);
  t.equal((await avatarRow(env, avatar.id)).status, 'completed');
  await env.telegram.waitFor('sendMessage', (p) => String(p.text).startsWith('✅ Аватар «Slow» готов!'));
});

t.test('an event whose result was not ready is settled when the status check ends its training', async (t) => {
  const env = await buildTestApp(t);
  const avatar = await training(env, 'Later');
  env.fal.state.jobs.set('req-Later', { status: 'COMPLETED', result: { status: 503, body: { detail: 'busy' } } });
  const body = { request_id: 'req-Later', status: 'OK', payload: null, payload_error: 'Response payload could not be serialized' };
  t.equal((await deliverFalWebhook(env, 'req-Later', body)).statusCode, 200);
  const stored = async () => (await env.deps.db.select().from(falWebhookEvents).where(eq(falWebhookEvents.requestId, 'req-Later')))[0];
  t.match(await stored(), { appliedAt: null, failedAt: null }, 'pending: FAL did not hand the result over');
  env.fal.state.jobs.set('req-Later', { status: 'COMPLETED', result: { status: 200, body: seedResult } });
  await expireLeases(env);
  t.match((await checkStatus(env)).summary, { completed: 1 });
  t.equal((await avatarRow(env, avatar.id)).status, 'completed');
  t.ok((await stored())?.appliedAt, 'the event is settled with the completion, not left pending');
});

t.test('a 202 status answer means the job still waits, not an error', async (t) => {
  const env = await buildTestApp(t);
  await training(env, 'Queued');
  env.fal.state.jobs.set('req-Queued', { status: 'IN_QUEUE' });
  const check = await checkStatus(env);
  t.equal(check.summary.stillRunning, 1);
  t.equal(check.summary.errors, 0);
});

t.test('cancel is a request: "stopping" until FAL ends the job; a job that finishes anyway keeps its result', async (t) => {
  const env = await buildTestApp(t);
  const finished = await training(env, 'Finisher');
  const stopped = await training(env, 'Stopper');
  const onCard = { photo: [{ file_id: 'x' }], caption: 'card' };
  for (const avatar of [finished, stopped]) {
    await postUpdate(env.app, callbackUpdate(`avatar_stop_confirm:${avatar.id}`, 7, ALICE, onCard));
    const answer = env.telegram.callsOf('answerCallbackQuery').at(-1);
    t.match(String(answer?.payload.text), /Останавливаю/, 'the user is told it is stopping');
    const row = await avatarRow(env, avatar.id);
    t.equal(row.status, 'training', 'not cancelled before FAL says so');
    t.ok(row.cancelRequestedAt);
  }
  t.match(JSON.stringify(env.telegram.callsOf('editMessageMedia').at(-1)?.payload.media), /Останавливается/, 'the card says so too');

  env.fal.state.jobs.set('req-Finisher', { status: 'COMPLETED', result: { status: 200, body: seedResult } });
  env.fal.state.jobs.set('req-Stopper', { status: 'COMPLETED', result: { status: 400, body: { detail: 'Request was cancelled' } } });
  await checkStatus(env);
  t.equal((await avatarRow(env, finished.id)).status, 'completed', 'the paid result is kept');
  t.equal((await avatarRow(env, stopped.id)).status, 'cancelled');
  const sent = env.telegram.callsOf('sendMessage').map((c) => String(c.payload.text));
  t.ok(sent.some((text) => text.startsWith('✅ Аватар «Finisher» готов!')));
  t.ok(sent.some((text) => text.startsWith('⏹ Обучение аватара «Stopper» остановлено')));

  const late = await training(env, 'Late');
  env.fal.state.jobs.set('req-Late', { status: 'COMPLETED', result: { status: 200, body: seedResult } });
  await postUpdate(env.app, callbackUpdate(`avatar_stop_confirm:${late.id}`, 7, ALICE, onCard));
  t.match(String(env.telegram.callsOf('sendMessage').at(-1)?.payload.text), /уже завершается/, 'ALREADY_COMPLETED, said once FAL answered');
});

t.test('a stored event whose avatar was deleted since is pruned after a few days', async (t) => {
  const env = await buildTestApp(t);
  const gone = await training(env, 'Gone');
  await training(env, 'Known');
  t.equal((await deliverFalWebhook(env, 'req-Gone', { request_id: 'req-Gone', status: 'OK', payload: seedResult })).statusCode, 200);
  t.equal((await deliverFalWebhook(env, 'req-Known', { request_id: 'req-Known', status: 'OK', payload: seedResult })).statusCode, 200);
  await env.deps.db.delete(avatars).where(eq(avatars.id, gone.id));
  await env.deps.db.execute(sql`update fal_webhook_events set received_at = now() - interval '4 days'`);
  const check = await checkStatus(env);
  t.equal(check.summary.prunedEvents, 1);
  const left = await env.deps.db.select({ requestId: falWebhookEvents.requestId }).from(falWebhookEvents);
  t.same(
    left.map((e) => e.requestId),
    ['req-Known'],
    'ours stay',
  );
});
