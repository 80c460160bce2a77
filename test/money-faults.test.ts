import { readFile } from 'node:fs/promises';
import { count, sql } from 'drizzle-orm';
import t from 'tap';
import { falWebhookEvents } from '../src/db/schema.js';
import { ALICE, buildTestApp, deliverFalWebhook, INTERNAL_TOKEN, sendFalWebhook, type TestEnv, webhookPathOf } from './support/helper.js';
import { entriesOf, PRICES, paidTraining, seedAvatarStatus } from './support/paid.js';
import { sentTo } from './support/wizard-driver.js';

/** Where the real services' faults would cost a user or the operator money, reproduced by the fakes. */

const seedResult = JSON.parse(await readFile(new URL('./support/fixtures/seed-portrait-result.json', import.meta.url), 'utf8')) as {
  diffusers_lora_file: { url: string };
};

async function checkStatus(env: TestEnv) {
  // The lease keeps a row just checked from being asked about again at once: each call here is a later check.
  await env.deps.db.execute(sql`update avatars set status_checked_at = null; update generations set status_checked_at = null`);
  const res = await env.app.inject({
    method: 'POST',
    url: '/internal/check-status',
    headers: { authorization: `Bearer ${INTERNAL_TOKEN}` },
  });
  return res.json() as Record<string, number>;
}

t.test('passing 429/503 answers of the status, scattered over a long training, do not fail it', async (t) => {
  const env = await buildTestApp(t, { ...PRICES, FREE_CREDITS: '120' });
  const { avatar, requestId } = await paidTraining(t, env, ALICE, 'Patient');
  const busy = { status: 503, body: { detail: 'Service Unavailable' } };
  const slow = { status: 429, body: { detail: 'Too Many Requests' } };
  // 6 of 30 checks get no usable answer, never more than two in a row.
  const failing = new Set([2, 3, 9, 14, 15, 27]);
  env.fal.state.statusFailures = Array.from({ length: 30 }, (_, i) => (failing.has(i) ? (i % 2 ? busy : slow) : null));

  let errors = 0;
  for (let i = 0; i < 30; i++) errors += (await checkStatus(env)).errors ?? 0;
  t.equal(errors, 6, 'each failed answer is counted as an error');
  t.equal(await seedAvatarStatus(env, avatar.id), 'training', 'still training after 30 checks');

  env.fal.state.jobs.set(requestId, { status: 'COMPLETED', result: { status: 200, body: seedResult } });
  t.match(await checkStatus(env), { completed: 1, failed: 0 });
  await env.deps.notifier.drain();
  t.equal(await seedAvatarStatus(env, avatar.id), 'completed');
  t.equal(sentTo(env, ALICE, '✅ Аватар «Patient» готов!').length, 1, 'one message');
  t.same(
    (await entriesOf(env, ALICE)).map((e) => e.kind),
    ['free_credits', 'training'],
    'no refund: the LoRA FAL delivered and billed is kept',
  );
});

t.test('a status that keeps failing still gives the training up, after five checks in a row', async (t) => {
  const env = await buildTestApp(t, { ...PRICES, FREE_CREDITS: '120' });
  const { avatar } = await paidTraining(t, env, ALICE, 'Lost');
  env.fal.state.statusFailures = Array.from({ length: 5 }, () => ({ status: 503, body: { detail: 'Service Unavailable' } }));
  for (let i = 0; i < 4; i++) await checkStatus(env);
  t.equal(await seedAvatarStatus(env, avatar.id), 'training', 'four in a row are not enough');
  t.match(await checkStatus(env), { failed: 1 });
  t.equal(await seedAvatarStatus(env, avatar.id), 'failed');
  t.same(
    (await entriesOf(env, ALICE)).map((e) => e.kind),
    ['free_credits', 'training', 'refund'],
  );
});

t.test('webhooks of jobs we never submitted are answered 200 and nothing is kept', async (t) => {
  const env = await buildTestApp(t, { METRICS_TOKEN: 'metrics-token-for-the-tests' });
  // Any FAL account may point its jobs at our URL: the signature is FAL's, the request id is not ours.
  const body = (id: string) => ({ request_id: id, status: 'OK', payload: { images: [{ url: 'https://v3.fal.media/x.png' }] } });
  const big = { request_id: 'req-big', status: 'OK', payload: { blob: 'x'.repeat(900_000) } };
  const answers = [
    await deliverFalWebhook(env, 'req-foreign', body('req-foreign')),
    await deliverFalWebhook(env, 'req-keyed', body('req-keyed'), `/webhooks/fal?key=${'ab'.repeat(16)}`),
    await deliverFalWebhook(env, 'req-big', big),
  ];
  t.same(
    answers.map((r) => r.statusCode),
    [200, 200, 200],
    'FAL is not made to retry them',
  );
  const [stored] = await env.deps.db.select({ n: count() }).from(falWebhookEvents);
  t.equal(stored?.n, 0, 'no row for them, not even for a few days');
  const metrics = await env.app.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-token-for-the-tests' } });
  t.match(metrics.body, /avatar_bot_fal_webhooks_total\{outcome="foreign"\} 3/);
});

t.test('an early webhook (before the submit answered) and a lost submit’s webhook are still kept by their key', async (t) => {
  const env = await buildTestApp(t, { ...PRICES, FREE_CREDITS: '120' });
  // The job's webhook comes before the submit's answer, which is then lost: the key is all that names it.
  env.fal.state.loseSubmitAnswers = 1;
  env.fal.state.onSubmit = async (submission) => {
    const res = await sendFalWebhook(
      env,
      submission.requestId,
      { request_id: submission.requestId, status: 'OK', payload: seedResult },
      webhookPathOf(submission),
    );
    t.equal(res.statusCode, 200);
  };
  const { avatar } = await paidTraining(t, env, ALICE, 'Early');
  const [stored] = await env.deps.db.select({ n: count() }).from(falWebhookEvents);
  t.equal(stored?.n, 1, 'kept: its key is one of our submits');
  await checkStatus(env);
  await env.deps.tasks.drain(10_000);
  t.equal(await seedAvatarStatus(env, avatar.id), 'completed', 'and the training it belongs to completes');
});
