import { readFile } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import { count, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import t from 'tap';
import {
  avatars,
  balanceEntries,
  falWebhookEvents,
  generations,
  processedUpdates,
  starOffers,
  starPayments,
  users,
} from '../src/db/schema.js';
import { claimUpdate, releaseUpdate } from '../src/domain/telegram-updates.js';
import { createFalImageFetcher } from '../src/fal/fal-http.js';
import { BOT_INFO } from './support/fakes/telegram-api.js';
import {
  ALICE,
  BOB,
  buildTestApp,
  callbackUpdate,
  deliverFalWebhook,
  INTERNAL_TOKEN,
  messageUpdate,
  paymentUpdate,
  postUpdate,
  sendFalWebhook,
  type TestEnv,
  textUpdate,
  webhookPathOf,
} from './support/helper.js';
import { entriesOf, PRICES, paidTraining, runRefund, seedAvatarStatus } from './support/paid.js';
import { seedAvatar, userOf } from './support/seed.js';
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

// --- Telegram ---------------------------------------------------------------------------------------

t.test('a handler slower than the lease keeps its claim: Telegram’s redelivery meanwhile is told to wait, and it runs once', async (t) => {
  const env = await buildTestApp(t, { UPDATE_LEASE_SECONDS: '2' });
  await userOf(env, ALICE);
  const sentBefore = env.telegram.callsOf('sendMessage').length;
  const release = env.telegram.hold('sendMessage');
  const update = textUpdate('/help');
  const first = postUpdate(env.app, update);
  // Past the 2 s lease while the handler still waits on the Bot API: Telegram has had no answer and delivers again.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  // Handled a second time, the redelivery would wait on the held Bot API too: it would not answer at all.
  const redelivery = await Promise.race([
    postUpdate(env.app, update).then((res) => res.statusCode),
    new Promise((resolve) => setTimeout(() => resolve('handled again, still running'), 2_000)),
  ]);
  t.equal(redelivery, 503, 'busy: the claim was renewed while the handler ran');
  release();
  t.equal((await first).statusCode, 200);
  t.equal((await postUpdate(env.app, update)).json().duplicate, true, 'done once it returned');
  t.equal(env.telegram.callsOf('sendMessage').length - sentBefore, 1, 'the help was sent once');
});

t.test('a claim is released only by its own holder, never a later claim of the same update', async (t) => {
  const env = await buildTestApp(t);
  const botId = 7000000001;
  const first = await claimUpdate(env.deps.db, botId, 4242, null, 60);
  if (first.claim !== 'claimed') throw new Error('not claimed');
  // The first holder stalled past its lease; a redelivery claimed the update again.
  await env.deps.db
    .update(processedUpdates)
    .set({ leaseUntil: new Date(Date.now() - 1000) })
    .where(eq(processedUpdates.updateId, 4242));
  const second = await claimUpdate(env.deps.db, botId, 4242, null, 60);
  t.equal(second.claim, 'claimed');
  await releaseUpdate(env.deps.db, botId, 4242, first.token);
  t.equal((await claimUpdate(env.deps.db, botId, 4242, null, 60)).claim, 'busy', 'the second claim still holds');
});

t.test('marking an update done fails after its charge was committed: answered 200, marked later, never charged twice', async (t) => {
  const env = await buildTestApp(t, { ...PRICES, FREE_CREDITS: '20' });
  const user = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, user.id, 'Once', 'completed', new Date());
  await env.deps.db.update(users).set({ mainAvatarId: avatar.id }).where(eq(users.id, user.id));
  await postUpdate(env.app, callbackUpdate(`gen_format:${avatar.id}:square`, 4));
  // The next mark of an update as done fails once, as a full disk or a lost connection would (a sequence
  // counts outside the transaction the failure rolls back).
  await env.deps.db.execute(sql`
    create sequence mark_failures;
    create function fail_mark() returns trigger language plpgsql as $$
      begin if nextval('mark_failures') = 1 then raise exception 'could not extend file: No space left on device'; end if; return new; end $$;
    create trigger fail_mark before update of done_at on processed_updates for each row execute function fail_mark();`);
  const prompt = textUpdate('на крыше');
  const answer = await postUpdate(env.app, prompt);
  t.equal(answer.statusCode, 200, 'the charge and the generation are committed: Telegram must not deliver it again');
  await env.deps.tasks.drain(10_000);
  const [mark] = await env.deps.db.select().from(processedUpdates).where(eq(processedUpdates.updateId, prompt.update_id));
  t.ok(mark?.doneAt, 'marked done by the retry in the background');

  // Telegram delivers it again all the same (our answer was lost on the way), after the lease would have run out.
  await env.deps.db
    .update(processedUpdates)
    .set({ leaseUntil: new Date(Date.now() - 1000) })
    .where(eq(processedUpdates.updateId, prompt.update_id));
  t.equal((await postUpdate(env.app, prompt)).json().duplicate, true);
  await env.deps.tasks.drain(10_000);
  t.equal((await env.deps.db.select().from(generations).where(eq(generations.prompt, 'на крыше'))).length, 1, 'one generation');
  t.same(
    (await entriesOf(env, ALICE)).map((e) => [e.kind, e.amount]),
    [
      ['free_credits', 20],
      ['generation', -5],
    ],
    'one charge',
  );
});

t.test('a paid training starts even when the button’s answer fails ("query is too old") and the progress cannot be shown', async (t) => {
  const env = await buildTestApp(t, { ...PRICES, FREE_CREDITS: '120' });
  const user = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, user.id, 'Redelivered', 'ready', new Date());
  // A press redelivered after an outage: the query has expired, and the chat is over its message limit.
  env.telegram.failNext('answerCallbackQuery', {
    error_code: 400,
    description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
  });
  env.telegram.failNext('editMessageText', {
    error_code: 429,
    description: 'Too Many Requests: retry after 60',
    parameters: { retry_after: 60 },
  });
  await postUpdate(env.app, callbackUpdate(`avatar_train:${avatar.id}`, 3));
  await env.fal.waitForSubmission(1, 5_000);
  await env.deps.tasks.drain(10_000);
  t.equal(await seedAvatarStatus(env, avatar.id), 'training', 'paid, and running at FAL');
  t.equal(sentTo(env, ALICE, '⏳ Обучение началось!').length, 1, 'told in a new message instead');
});

t.test('a paid picture is submitted even when "generating…" cannot be sent', async (t) => {
  const env = await buildTestApp(t, { ...PRICES, FREE_CREDITS: '20' });
  const user = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, user.id, 'Busy', 'completed', new Date());
  await env.deps.db.update(users).set({ mainAvatarId: avatar.id }).where(eq(users.id, user.id));
  await postUpdate(env.app, callbackUpdate(`gen_format:${avatar.id}:square`, 4));
  env.telegram.failNext('sendMessage', {
    error_code: 429,
    description: 'Too Many Requests: retry after 60',
    parameters: { retry_after: 60 },
  });
  await postUpdate(env.app, textUpdate('в горах'));
  await env.fal.waitForSubmission(1, 5_000);
  await env.deps.tasks.drain(10_000);
  const [generation] = await env.deps.db.select().from(generations).where(eq(generations.prompt, 'в горах'));
  t.equal(generation?.status, 'running', 'charged, and running at FAL');
});

t.test('"⏹ Остановить" is answered before FAL is asked to cancel', async (t) => {
  const env = await buildTestApp(t);
  const user = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, user.id, 'Slow', 'training', new Date());
  env.fal.state.jobs.set('req-Slow', { status: 'IN_PROGRESS' });
  let release = () => {};
  env.fal.state.cancelGate = new Promise<void>((resolve) => (release = resolve));
  const pressed = postUpdate(env.app, callbackUpdate(`avatar_stop_confirm:${avatar.id}`, 7, ALICE, { photo: [{ file_id: 'x' }] }));
  try {
    const answer = await env.telegram.waitFor('answerCallbackQuery', () => true, 5_000);
    t.match(String(answer.payload.text), /Останавливаю обучение аватара «Slow»/, 'the spinner stops at once');
  } finally {
    release();
  }
  t.equal((await pressed).statusCode, 200);
  t.equal(env.fal.state.jobs.get('req-Slow')?.cancelled, true);
});

t.test('a payment message in a group is recorded and credited, not dropped by the private-chat gate', async (t) => {
  const env = await buildTestApp(t, PRICES);
  const alice = await userOf(env, ALICE);
  const [offer] = await env.deps.db.insert(starOffers).values({ userId: alice.id }).returning();
  // An invoice forwarded into a group (one sent before invoices carried a start parameter) was paid there.
  const inGroup = paymentUpdate(ALICE, `${offer!.id}:100`, 100, 'charge-in-group') as { message: { chat: object } };
  inGroup.message.chat = { id: -100123, type: 'supergroup', title: 'Friends' };
  t.equal((await postUpdate(env.app, inGroup)).statusCode, 200);
  const [payment] = await env.deps.db.select().from(starPayments).where(eq(starPayments.chargeId, 'charge-in-group'));
  t.match(payment, { amount: 100, problem: null }, 'recorded: npm run refund can find it');
  t.same(
    (await entriesOf(env, ALICE)).map((e) => [e.kind, e.amount]),
    [['payment', 100]],
    'credited to the payer',
  );
});

t.test('invoices carry a start parameter: a forwarded copy gets a link to the bot, not a Pay button', async (t) => {
  const env = await buildTestApp(t, PRICES);
  const alice = await userOf(env, ALICE);
  const [offer] = await env.deps.db.insert(starOffers).values({ userId: alice.id }).returning();
  await postUpdate(env.app, callbackUpdate(`stars_buy:${offer!.id}:100`, 1));
  t.match(env.telegram.callsOf('sendInvoice')[0]?.payload, { currency: 'XTR', start_parameter: /^[\w-]{1,64}$/ });
});

t.test(
  'refunded_payment of a refund the bot made comes from the bot: the payer is found by the charge, told in their language',
  async (t) => {
    const env = await buildTestApp(t, PRICES);
    const bob = await userOf(env, BOB);
    const [offer] = await env.deps.db.insert(starOffers).values({ userId: bob.id }).returning();
    await postUpdate(env.app, paymentUpdate(BOB, `${offer!.id}:300`, 300, 'charge-bob'));
    // Telegram's service message in Bob's chat, sent by the bot itself (from: the bot, no language).
    const fromBot = messageUpdate(BOB, {
      refunded_payment: {
        currency: 'XTR',
        total_amount: 300,
        invoice_payload: `${offer!.id}:300`,
        telegram_payment_charge_id: 'charge-bob',
      },
    }) as { message: { from: object } };
    fromBot.message.from = { id: BOT_INFO.id, is_bot: true, first_name: BOT_INFO.first_name, username: BOT_INFO.username };
    t.equal((await postUpdate(env.app, fromBot)).statusCode, 200);
    t.same(
      (await entriesOf(env, BOB)).map((e) => [e.kind, e.amount]),
      [
        ['payment', 300],
        ['payment_refund', -300],
      ],
    );
    const told = env.telegram.callsOf('sendMessage').at(-1);
    t.equal(told?.payload.chat_id, BOB.id);
    t.match(String(told?.payload.text), /^↩️ Telegram gave you back 300 ⭐/, 'in Bob’s English, not the bot’s default Russian');
    const [botAsUser] = await env.deps.db.select().from(users).where(eq(users.telegramId, BOT_INFO.id));
    t.equal(botAsUser, undefined, 'the bot is nobody’s user');
  },
);

// --- Resources --------------------------------------------------------------------------------------

t.test('a picture download stops as soon as it passes its limit, not after reading the whole body', async (t) => {
  const env = await buildTestApp(t);
  const huge = { size: 500 * 1024 * 1024, sent: 0 };
  env.fal.state.hugeFiles.set('huge.png', huge);
  const fetchImage = createFalImageFetcher(env.config);
  await t.rejects(fetchImage(`${env.fal.url}/files/huge.png`), /over 31457280 bytes/);
  t.ok(huge.sent < 64 * 1024 * 1024, `read ${huge.sent} bytes of 500 MB before it gave up`);
});

// --- Deleting what was paid for -------------------------------------------------------------------------

t.test('deleting an avatar whose paid training FAL cancels refunds it, and the confirmation says so', async (t) => {
  const env = await buildTestApp(t, { ...PRICES, FREE_CREDITS: '120' });
  const { avatar, requestId } = await paidTraining(t, env, ALICE, 'Gone');
  env.fal.state.jobs.set(requestId, { status: 'IN_QUEUE' });
  await postUpdate(env.app, callbackUpdate(`avatar_delete:${avatar.id}`, 7, ALICE, { photo: [{ file_id: 'x' }] }));
  const confirm = env.telegram.callsOf('editMessageCaption').at(-1);
  t.match(String(confirm?.payload.caption), /Это действие нельзя отменить/, 'still the seed’s warning');
  t.match(String(confirm?.payload.caption), /100 ⭐ вернутся на баланс/, 'and what comes back');

  await postUpdate(env.app, callbackUpdate(`avatar_delete_confirm:${avatar.id}`, 7, ALICE, { photo: [{ file_id: 'x' }] }));
  t.notOk(env.fal.state.jobs.has(requestId), 'removed from FAL’s queue');
  t.same(
    (await entriesOf(env, ALICE)).map((e) => [e.kind, e.amount]),
    [
      ['free_credits', 120],
      ['training', -100],
      ['refund', 100],
    ],
  );
  t.match(String(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text), /удалён.*100 ⭐ вернулись/s);
});

t.test('deleting an avatar still submitting refunds it; one FAL already finished is not refunded', async (t) => {
  const env = await buildTestApp(t, { ...PRICES, FREE_CREDITS: '220' });
  const submitting = await paidTraining(t, env, ALICE, 'Submitting');
  // A submit a crash interrupted: the price is taken, no job is known.
  await env.deps.db.update(avatars).set({ status: 'submitting', falRequestId: null }).where(eq(avatars.id, submitting.avatar.id));
  await postUpdate(env.app, callbackUpdate(`avatar_delete_confirm:${submitting.avatar.id}`, 7));
  const finished = await paidTraining(t, env, ALICE, 'Finished');
  env.fal.state.jobs.set(finished.requestId, { status: 'COMPLETED', result: { status: 200, body: seedResult } });
  await postUpdate(env.app, callbackUpdate(`avatar_delete_confirm:${finished.avatar.id}`, 7));
  t.same(
    (await entriesOf(env, ALICE)).map((e) => [e.kind, e.amount, e.note]),
    [
      ['free_credits', 220, null],
      ['training', -100, 'Submitting'],
      ['refund', 100, 'Submitting'],
      ['training', -100, 'Finished'],
    ],
    'FAL trained and billed the second: it is not refunded',
  );
});

t.test('npm run refund checks the balance under the user’s lock: Stars spent meanwhile are not refunded without --force', async (t) => {
  const env = await buildTestApp(t, PRICES);
  const alice = await userOf(env, ALICE);
  const [offer] = await env.deps.db.insert(starOffers).values({ userId: alice.id }).returning();
  await postUpdate(env.app, paymentUpdate(ALICE, `${offer!.id}:300`, 300, 'charge-race'));

  // A training being started holds the user's row while it takes its price.
  const spender = new pg.Client({ connectionString: env.database.url });
  await spender.connect();
  t.teardown(() => spender.end());
  await spender.query('begin');
  await spender.query('select id from users where id = $1 for update', [alice.id]);
  const refund = runRefund(env, 'charge-race');
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await spender.query(`insert into balance_entries (user_id, key, kind, amount) values ($1, 'training:race', 'training', -250)`, [
    alice.id,
  ]);
  await spender.query('commit');

  const result = await refund;
  t.equal(result.code, 1, 'refused: the Stars were spent while it waited');
  t.match(result.err, 'the user has 50 ⭐ left of the 300 ⭐');
  t.equal(env.telegram.callsOf('refundStarPayment').length, 0, 'nothing given back');
  const entries = await env.deps.db.select().from(balanceEntries).where(eq(balanceEntries.userId, alice.id));
  t.equal(
    entries.reduce((sum, e) => sum + e.amount, 0),
    50,
    'the balance never went below zero',
  );
});

// --- Cancel as FAL does it ------------------------------------------------------------------------------

t.test('a stopped training still queued is removed by FAL, with no webhook: the next check ends it cancelled, refunded', async (t) => {
  const env = await buildTestApp(t, { ...PRICES, FREE_CREDITS: '120' });
  const { avatar, requestId } = await paidTraining(t, env, ALICE, 'Queued');
  env.fal.state.jobs.set(requestId, { status: 'IN_QUEUE', queuePosition: 3 });
  await postUpdate(env.app, callbackUpdate(`avatar_stop_confirm:${avatar.id}`, 7, ALICE, { photo: [{ file_id: 'x' }] }));
  t.notOk(env.fal.state.jobs.has(requestId), 'FAL removed it from its queue');
  t.match(await checkStatus(env), { errors: 0 }, 'a job FAL no longer knows is not an error once it was cancelled');
  t.equal(await seedAvatarStatus(env, avatar.id), 'cancelled', 'on the first check after');
  await env.deps.notifier.drain();
  t.match(sentTo(env, ALICE, '⏹')[0]?.payload.text, '↩️ 100 ⭐ вернулись на баланс.');
  t.same(
    (await entriesOf(env, ALICE)).map((e) => e.kind),
    ['free_credits', 'training', 'refund'],
  );
});

t.test('a running training that honours the cancel ends with FAL’s 499: cancelled, refunded once', async (t) => {
  const env = await buildTestApp(t, { ...PRICES, FREE_CREDITS: '120' });
  const { avatar, requestId } = await paidTraining(t, env, ALICE, 'Running');
  env.fal.state.jobs.set(requestId, { status: 'IN_PROGRESS', onCancel: 'honour' });
  await postUpdate(env.app, callbackUpdate(`avatar_stop_confirm:${avatar.id}`, 7, ALICE, { photo: [{ file_id: 'x' }] }));
  await checkStatus(env);
  await checkStatus(env);
  t.equal(await seedAvatarStatus(env, avatar.id), 'cancelled');
  t.same(
    (await entriesOf(env, ALICE)).map((e) => e.kind),
    ['free_credits', 'training', 'refund'],
  );
});

t.test('a job FAL does not know, with no cancel asked, is an unanswered check, not an ending', async (t) => {
  const env = await buildTestApp(t, { ...PRICES, FREE_CREDITS: '120' });
  const { avatar, requestId } = await paidTraining(t, env, ALICE, 'Unknown');
  env.fal.state.jobs.delete(requestId);
  t.match(await checkStatus(env), { errors: 1, failed: 0 });
  t.equal(await seedAvatarStatus(env, avatar.id), 'training');
});

// --- The LoRA outlives FAL's CDN --------------------------------------------------------------------------

const LORA_URL = 'https://v3.fal.media/files/x/lora.safetensors';

t.test('a LoRA is copied into our storage, and uploaded to FAL again when FAL’s file expired', async (t) => {
  const env = await buildTestApp(t, { ...PRICES, FREE_CREDITS: '20' });
  const lora = Buffer.from('LoRA weights '.repeat(1000));
  env.fal.state.cdnFiles.set(LORA_URL, lora);
  const user = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, user.id, 'Kept', 'completed', new Date());
  await env.deps.db.update(users).set({ mainAvatarId: avatar.id }).where(eq(users.id, user.id));

  t.match(await checkStatus(env), { lorasCopied: 1 }, 'the status check copies it (avatars completed before this change too)');
  const [row] = await env.deps.db.select().from(avatars).where(eq(avatars.id, avatar.id));
  t.ok(row?.loraStorageKey);
  t.same(await buffer((await env.deps.storage.get(row!.loraStorageKey!))!), lora, 'the same bytes');
  t.match(await checkStatus(env), { lorasCopied: 0 }, 'once');

  // Months later: FAL's retention ended and its CDN deleted the file.
  env.fal.state.expiredFiles.add(LORA_URL);
  await env.deps.db
    .update(avatars)
    .set({ loraCheckedAt: new Date(Date.now() - 2 * 86_400_000) })
    .where(eq(avatars.id, avatar.id));
  await postUpdate(env.app, callbackUpdate(`gen_format:${avatar.id}:square`, 4));
  await postUpdate(env.app, textUpdate('у моря'));
  const submission = await env.fal.waitForSubmission(1);
  await env.deps.tasks.drain(10_000);
  const path = (submission.input.loras as { path: string }[])[0]!.path;
  t.not(path, LORA_URL, 'not the expired URL');
  t.same(env.fal.fileAt(path), lora, 'our copy, uploaded to FAL storage again');
  const [after] = await env.deps.db.select().from(avatars).where(eq(avatars.id, avatar.id));
  t.equal(after?.diffusersLoraFileUrl, path, 'the new URL is kept');
  const [generation] = await env.deps.db.select().from(generations).where(eq(generations.prompt, 'у моря'));
  t.equal(generation?.status, 'running', 'the picture is being drawn');
  t.equal(submission.lifecycle, '{"expiration_duration_seconds":null}', 'and FAL is asked to keep the files of our jobs');
});

t.test('without a copy, a generation whose LoRA expired fails at FAL as FAL would, and is refunded', async (t) => {
  const env = await buildTestApp(t, { ...PRICES, FREE_CREDITS: '20' });
  const user = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, user.id, 'Lost', 'completed', new Date());
  await env.deps.db.update(users).set({ mainAvatarId: avatar.id }).where(eq(users.id, user.id));
  env.fal.state.expiredFiles.add(LORA_URL);
  await postUpdate(env.app, callbackUpdate(`gen_format:${avatar.id}:square`, 4));
  await postUpdate(env.app, textUpdate('в лесу'));
  await env.fal.waitForSubmission(1);
  await env.deps.tasks.drain(10_000);
  await checkStatus(env);
  const [generation] = await env.deps.db.select().from(generations).where(eq(generations.prompt, 'в лесу'));
  t.equal(generation?.status, 'failed');
  t.same(
    (await entriesOf(env, ALICE)).map((e) => e.kind),
    ['free_credits', 'generation', 'refund'],
  );
  t.match(env.logs.text, /the LoRA is gone from FAL and there is no copy of it/);
});
