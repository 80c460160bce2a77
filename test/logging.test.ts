import t from 'tap';
import { trainingRuns } from '../src/db/schema.js';
import { createLogger, scrubSecrets } from '../src/runtime/logger.js';
import {
  ALICE,
  BOT_TOKEN,
  buildTestApp,
  deliverFalWebhook,
  INTERNAL_TOKEN,
  LogCapture,
  postUpdate,
  textUpdate,
  WEBHOOK_SECRET,
} from './support/helper.js';
import { userOf } from './support/seed.js';

t.test('secret fields and headers are redacted', async (t) => {
  const out = new LogCapture();
  const log = createLogger({ logLevel: 'info' }, out);
  log.info(
    { req: { headers: { authorization: `Bearer ${INTERNAL_TOKEN}`, 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET } } },
    'request',
  );
  log.info({ telegram: { botToken: BOT_TOKEN, webhookSecret: WEBHOOK_SECRET }, s3: { secretAccessKey: 'aws-secret-key' } }, 'config');
  t.notMatch(out.text, INTERNAL_TOKEN);
  t.notMatch(out.text, WEBHOOK_SECRET);
  t.notMatch(out.text, BOT_TOKEN);
  t.notMatch(out.text, 'aws-secret-key');
  t.match(out.text, '[redacted]');
});

t.test('bot tokens and database passwords inside error messages are scrubbed', async (t) => {
  t.equal(
    scrubSecrets(`request to https://api.telegram.org/bot${BOT_TOKEN}/sendMessage failed`),
    'request to https://api.telegram.org/bot[redacted]/sendMessage failed',
  );
  t.equal(scrubSecrets('connect postgres://app:p%40ss@db:5432/x failed'), 'connect postgres://app:[redacted]@db:5432/x failed');
  const out = new LogCapture();
  createLogger({ logLevel: 'info' }, out).error({ err: new Error(`GET /bot${BOT_TOKEN}/getMe: 502`) }, 'boom');
  t.notMatch(out.text, BOT_TOKEN);
});

t.test('an unreachable Bot API is logged without the token', async (t) => {
  const { app, logs, telegram } = await buildTestApp(t);
  await postUpdate(app, textUpdate('/start')); // the bot learns who it is (getMe) while the API is up
  await telegram.close();
  const res = await postUpdate(app, textUpdate('/start'));
  t.equal(res.statusCode, 200, 'a failing handler does not make Telegram redeliver forever');
  t.match(logs.text, /bot handler failed/);
  t.match(logs.text, /ECONNREFUSED/);
  t.notMatch(logs.text, BOT_TOKEN);
});

t.test('an unreachable Bot API before any handler ran (getMe) is a 503, and the redelivery is handled', async (t) => {
  const { app, telegram, logs } = await buildTestApp(t, { TELEGRAM_API_ROOT: 'http://127.0.0.1:9' });
  const update = textUpdate('/start');
  const res = await postUpdate(app, update);
  t.equal(res.statusCode, 503);
  t.same(res.json(), { error: 'ServiceUnavailable', message: 'the Bot API did not answer getMe; retry later' });
  t.equal(telegram.calls.length, 0);
  const again = await postUpdate(app, update);
  t.equal(again.statusCode, 503, 'the redelivery is looked at again, not skipped as a duplicate');
  t.match(logs.text, /getMe failed/);
  t.notMatch(logs.text, BOT_TOKEN);
});

t.test('requests with secrets leave no secret in the logs', async (t) => {
  const { app, logs } = await buildTestApp(t);
  await postUpdate(app, textUpdate('/start'));
  await postUpdate(app, textUpdate('/start'), 'wrong-secret');
  await app.inject({ method: 'POST', url: '/internal/check-status', headers: { authorization: `Bearer ${INTERNAL_TOKEN}` } });
  t.ok(logs.lines.length > 0);
  for (const secret of [WEBHOOK_SECRET, INTERNAL_TOKEN, BOT_TOKEN, 'wrong-secret']) t.notMatch(logs.text, secret);
});

t.test('one line per update and per webhook, with its outcome and duration; healthy other requests stay quiet', async (t) => {
  const env = await buildTestApp(t);
  const update = textUpdate('/start');
  await postUpdate(env.app, update);
  await postUpdate(env.app, update);
  await env.app.inject({ method: 'GET', url: '/healthz' });
  // A webhook that came before its submit answered: only its key names one of our attempts yet.
  const user = await userOf(env, ALICE);
  const key = 'ab'.repeat(16);
  await env.deps.db.insert(trainingRuns).values({ submitKey: key, userId: user.id, avatarId: '00000000-0000-4000-8000-000000000001' });
  await deliverFalWebhook(env, 'req-nobody', { request_id: 'req-nobody', status: 'OK', payload: {} }, `/webhooks/fal?key=${key}`);
  await deliverFalWebhook(env, 'req-foreign', { request_id: 'req-foreign', status: 'OK', payload: {} });
  const lines = env.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const updates = lines.filter((l) => l.msg === 'telegram update' && l.update_id === update.update_id);
  t.match(updates, [
    { level: 30, update_id: update.update_id, kind: 'message', outcome: 'handled', status: 200, route: '/telegram/webhook', ms: Number },
    { level: 30, update_id: update.update_id, outcome: 'duplicate', status: 200 },
  ]);
  t.equal(updates.length, 2, 'one line each');
  t.match(
    lines.filter((l) => l.msg === 'FAL webhook stored'),
    [{ level: 30, fal_request_id: 'req-nobody', duplicate: false, status: 200, ms: Number }],
  );
  t.match(
    lines.filter((l) => l.fal_request_id === 'req-nobody' && l.msg !== 'FAL webhook stored'),
    [{ level: 30, msg: 'FAL event pending: nothing waits for it yet, or its result is not ready' }],
    'its application after the answer says what came of it',
  );
  t.match(
    lines.filter((l) => l.fal_request_id === 'req-foreign'),
    [{ level: 40, msg: 'FAL webhook of a job not ours ignored', status: 200 }],
    'another account’s job: one line, at warn',
  );
  t.equal(lines.filter((l) => l.route === '/healthz').length, 0, 'a healthy health check is not logged at info');
  t.equal(lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed').length, 0, 'no per-request pair');
});
