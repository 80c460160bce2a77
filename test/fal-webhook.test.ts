import { eq } from 'drizzle-orm';
import pg from 'pg';
import t from 'tap';
import { falWebhookEvents } from '../src/db/schema.js';
import { newSigningKey } from './support/fakes/fal-api.js';
import { ALICE, buildTestApp, postFalWebhook, type TestEnv } from './support/helper.js';
import { seedAvatar, userOf } from './support/seed.js';

const lora = {
  diffusers_lora_file: { url: 'https://v3.fal.media/files/rabbit/lora.safetensors', content_type: null, file_name: null, file_size: null },
  config_file: {
    url: 'https://v3.fal.media/files/monkey/config.json',
    content_type: 'application/octet-stream',
    file_name: 'config.json',
    file_size: 420,
  },
};

function body(requestId: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({ request_id: requestId, gateway_request_id: requestId, status: 'OK', payload: lora, ...extra });
}

const deliver = (env: TestEnv, raw: string, headers: Record<string, string>) => postFalWebhook(env, raw, headers);

/** Trainings of ours running at FAL as `req-<name>`: only events of our jobs are kept. */
async function ours(env: TestEnv, ...names: string[]) {
  const user = await userOf(env, ALICE);
  for (const name of names) await seedAvatar(env, user.id, name, 'training', new Date());
}

async function storedEvent(env: TestEnv, requestId: string) {
  const [row] = await env.deps.db.select().from(falWebhookEvents).where(eq(falWebhookEvents.requestId, requestId));
  return row;
}

t.test('the FAL webhook', async (t) => {
  const env = await buildTestApp(t);
  const { fal } = env;
  await ours(env, 'good', 'dup', 'err', 'x', 'body', 'header', 'bad');

  t.test('a correctly signed delivery is stored, then acknowledged', async (t) => {
    const raw = body('req-good');
    const res = await deliver(env, raw, fal.sign(raw, { requestId: 'req-good' }));
    t.equal(res.statusCode, 200);
    t.same(res.json(), { received: true });
    const row = await storedEvent(env, 'req-good');
    t.equal(row?.status, 'OK');
    t.same(row?.body, JSON.parse(raw), 'the whole event is kept');
  });

  t.test('a redelivery is acknowledged and logged as a duplicate; the first stored body stays', async (t) => {
    const raw = body('req-dup');
    await deliver(env, raw, fal.sign(raw, { requestId: 'req-dup' }));
    const first = await storedEvent(env, 'req-dup');
    for (const changed of [raw, JSON.stringify({ ...JSON.parse(raw), status: 'ERROR', payload: null })]) {
      const res = await deliver(env, changed, fal.sign(changed, { requestId: 'req-dup' }));
      t.equal(res.statusCode, 200);
    }
    t.same(await storedEvent(env, 'req-dup'), first, 'the row is as the first delivery left it');
    const lines = env.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.fal_request_id === 'req-dup');
    t.same(
      lines.filter((l) => l.msg === 'FAL webhook stored').map((l) => l.duplicate),
      [false, true, true],
    );
  });

  t.test('an ERROR delivery with a null payload is stored too', async (t) => {
    const raw = JSON.stringify({
      request_id: 'req-err',
      status: 'ERROR',
      payload: null,
      error: 'Invalid zip',
      payload_error: 'Invalid zip',
    });
    const res = await deliver(env, raw, fal.sign(raw, { requestId: 'req-err' }));
    t.equal(res.statusCode, 200);
    t.equal((await storedEvent(env, 'req-err'))?.status, 'ERROR');
  });

  const rejected: [string, () => [string, Record<string, string>]][] = [
    [
      'a tampered body',
      () => {
        const headers = fal.sign(body('req-x'), { requestId: 'req-x' });
        return [body('req-x', { status: 'ERROR' }), headers];
      },
    ],
    [
      'a body re-serialised with other whitespace',
      () => {
        const raw = body('req-x');
        return [JSON.stringify(JSON.parse(raw), null, 2), fal.sign(raw, { requestId: 'req-x' })];
      },
    ],
    [
      'a signature by a key not in the JWKS',
      () => {
        const raw = body('req-x');
        return [raw, fal.sign(raw, { requestId: 'req-x', key: newSigningKey() })];
      },
    ],
    // The exact ±300 s boundary is tested on the verifier with a fixed clock.
    [
      'a replayed delivery (signed an hour ago)',
      () => {
        const raw = body('req-x');
        return [raw, fal.sign(raw, { requestId: 'req-x', timestamp: Math.floor(Date.now() / 1000) - 3600 })];
      },
    ],
    [
      'a timestamp from the future (an hour ahead)',
      () => {
        const raw = body('req-x');
        return [raw, fal.sign(raw, { requestId: 'req-x', timestamp: Math.floor(Date.now() / 1000) + 3600 })];
      },
    ],
    [
      'a signed request id that differs from the header',
      () => {
        const raw = body('req-x');
        const headers = fal.sign(raw, { requestId: 'req-x' });
        return [raw, { ...headers, 'x-fal-webhook-request-id': 'req-other' }];
      },
    ],
    [
      'a changed user id',
      () => {
        const raw = body('req-x');
        return [raw, { ...fal.sign(raw, { requestId: 'req-x' }), 'x-fal-webhook-user-id': 'someone-else' }];
      },
    ],
    [
      'a malformed signature',
      () => {
        const raw = body('req-x');
        return [raw, { ...fal.sign(raw, { requestId: 'req-x' }), 'x-fal-webhook-signature': 'zz' }];
      },
    ],
  ];
  for (const header of ['x-fal-webhook-request-id', 'x-fal-webhook-user-id', 'x-fal-webhook-timestamp', 'x-fal-webhook-signature']) {
    rejected.push([
      `a missing ${header} header`,
      () => {
        const raw = body('req-x');
        const headers = fal.sign(raw, { requestId: 'req-x' });
        delete headers[header];
        return [raw, headers];
      },
    ]);
  }
  for (const [name, make] of rejected) {
    t.test(`${name} is refused with 401 and nothing is stored`, async (t) => {
      const [raw, headers] = make();
      const res = await deliver(env, raw, headers);
      t.equal(res.statusCode, 401);
      t.equal(res.json().error, 'Unauthorized');
      t.equal(await storedEvent(env, 'req-x'), undefined);
    });
  }

  t.test('a signed body whose request_id differs from the signed header is a 400', async (t) => {
    const raw = body('req-body');
    const res = await deliver(env, raw, fal.sign(raw, { requestId: 'req-header' }));
    t.equal(res.statusCode, 400);
    t.equal(await storedEvent(env, 'req-header'), undefined);
  });

  t.test('a signed body that is not JSON is a 400', async (t) => {
    const raw = '{"request_id": "req-bad",';
    const res = await deliver(env, raw, fal.sign(raw, { requestId: 'req-bad' }));
    t.equal(res.statusCode, 400);
    t.same(Object.keys(res.json()).sort(), ['error', 'message']);
  });
});

t.test('deliveries arriving together are stored by one statement; a body the database refuses fails alone', async (t) => {
  const env = await buildTestApp(t);
  await ours(env, 'first', 'nul', 'fine');
  const send = (raw: string, requestId: string) => deliver(env, raw, env.fal.sign(raw, { requestId }));
  // Another transaction inserting req-first holds the first statement, so the next deliveries queue up as one batch.
  const blocker = new pg.Client({ connectionString: env.database.url });
  await blocker.connect();
  t.teardown(() => blocker.end());
  await blocker.query('begin');
  await blocker.query(`insert into fal_webhook_events (request_id, status, body) values ('req-first', 'OK', '{}')`);
  const first = send(body('req-first'), 'req-first');
  const waiting = async () =>
    (await blocker.query(`select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`)).rowCount;
  while (!(await waiting())) await new Promise((r) => setTimeout(r, 10));
  // jsonb cannot hold U+0000: PostgreSQL refuses this body, and with it the statement it is in.
  const refused = send(body('req-nul', { payload: { text: 'a\u0000b' } }), 'req-nul');
  const fine = send(body('req-fine'), 'req-fine');
  await blocker.query('rollback');

  t.equal((await first).statusCode, 200);
  t.equal((await fine).statusCode, 200, 'its batch-mate was refused, it was stored all the same');
  t.ok(await storedEvent(env, 'req-fine'));
  const failed = await refused;
  t.equal(failed.statusCode, 500, 'FAL delivers it again');
  t.match(failed.json(), { error: String, message: String });
  t.notOk(await storedEvent(env, 'req-nul'));
});

t.test('signing keys', async (t) => {
  t.test('the JWKS is fetched once and cached across deliveries', async (t) => {
    const env = await buildTestApp(t);
    for (const id of ['a', 'b', 'c']) {
      const raw = body(id);
      t.equal((await deliver(env, raw, env.fal.sign(raw, { requestId: id }))).statusCode, 200);
    }
    t.equal(env.fal.state.jwksRequests, 1);
  });

  t.test('every key of the set is tried', async (t) => {
    const env = await buildTestApp(t);
    const second = newSigningKey();
    env.fal.state.keys.push(second);
    const raw = body('second-key');
    t.equal((await deliver(env, raw, env.fal.sign(raw, { requestId: 'second-key', key: second }))).statusCode, 200);
  });

  t.test('an unreachable JWKS answers 503 so FAL retries, and nothing is stored', async (t) => {
    const env = await buildTestApp(t);
    env.fal.state.jwksStatus = 502;
    const raw = body('no-keys');
    const res = await deliver(env, raw, env.fal.sign(raw, { requestId: 'no-keys' }));
    t.equal(res.statusCode, 503);
    t.equal(res.json().error, 'ServiceUnavailable');
    t.equal(await storedEvent(env, 'no-keys'), undefined);
    env.fal.state.jwksStatus = 200;
    t.equal((await deliver(env, raw, env.fal.sign(raw, { requestId: 'no-keys' }))).statusCode, 200, 'the retry succeeds');
  });

  t.test('a database that is down answers 503, never 200', async (t) => {
    const env = await buildTestApp(t);
    const raw = body('db-down');
    const headers = env.fal.sign(raw, { requestId: 'db-down' });
    await env.database.drop();
    const res = await deliver(env, raw, headers);
    t.equal(res.statusCode, 503);
    t.same(res.json(), { error: 'ServiceUnavailable', message: 'the database is unavailable; retry later' });
  });
});
