import { createHash, sign } from 'node:crypto';
import { count } from 'drizzle-orm';
import t from 'tap';
import { falWebhookEvents } from '../src/db/schema.js';
import { newSigningKey } from './support/fakes/fal-api.js';
import { buildTestApp, INTERNAL_TOKEN, WEBHOOK_SECRET } from './support/helper.js';

t.test('100 forged, tampered, replayed and unsigned FAL webhooks: none accepted', async (t) => {
  const env = await buildTestApp(t);
  const now = Math.floor(Date.now() / 1000);
  const body = (i: number) => JSON.stringify({ request_id: `forged-${i}`, status: 'OK', payload: { finetune_id: 'stolen' } });
  const tries: { name: string; raw: string; headers: Record<string, string> }[] = [];
  const foreign = newSigningKey();
  for (let i = 0; i < 20; i++) {
    const raw = body(i);
    // Signed with a key FAL never published.
    tries.push({ name: 'forged', raw, headers: env.fal.sign(raw, { requestId: `forged-${i}`, key: foreign }) });
    // Signed correctly, then the body changed.
    tries.push({ name: 'tampered', raw: raw.replace('stolen', 'stolen2'), headers: env.fal.sign(raw, { requestId: `forged-${i}` }) });
    // A genuine delivery replayed half an hour later.
    tries.push({ name: 'replayed', raw, headers: env.fal.sign(raw, { requestId: `forged-${i}`, timestamp: now - 1800 }) });
    tries.push({ name: 'unsigned', raw, headers: {} });
    // A signature over another message: the right key, the wrong fields.
    const hash = createHash('sha256').update(raw).digest('hex');
    const wrong = sign(null, Buffer.from(`forged-${i}\n${hash}`), env.fal.state.keys[0]!).toString('hex');
    tries.push({
      name: 'wrong message',
      raw,
      headers: {
        'x-fal-webhook-request-id': `forged-${i}`,
        'x-fal-webhook-user-id': 'u',
        'x-fal-webhook-timestamp': String(now),
        'x-fal-webhook-signature': wrong,
      },
    });
  }
  t.equal(tries.length, 100);
  const answers = await Promise.all(
    tries.map((x) =>
      env.app.inject({
        method: 'POST',
        url: '/webhooks/fal',
        headers: { 'content-type': 'application/json', ...x.headers },
        payload: x.raw,
      }),
    ),
  );
  t.same([...new Set(answers.map((a) => a.statusCode))], [401], '0 accepted');
  const [stored] = await env.deps.db.select({ n: count() }).from(falWebhookEvents);
  t.equal(stored?.n, 0, 'nothing stored');
});

t.test('every route answers bad bodies, content types and JSON with a 4xx JSON error', async (t) => {
  const env = await buildTestApp(t);
  const auth: Record<string, Record<string, string>> = {
    '/telegram/webhook': { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
    '/webhooks/fal': {},
    '/internal/check-status': { authorization: `Bearer ${INTERNAL_TOKEN}` },
  };
  for (const [url, headers] of Object.entries(auth)) {
    const cases: [string, string, string, number[]][] = [
      ['invalid JSON', 'application/json', '{"update_id":', [400, 401]],
      ['a wrong content type', 'application/xml', '<update/>', [415, 401]],
      ['text/plain', 'text/plain', 'hello', [415, 401]],
      ['an oversized body', 'application/json', JSON.stringify({ update_id: 1, pad: 'x'.repeat(1024 * 1024 + 1) }), [413, 401]],
    ];
    for (const [name, contentType, payload, allowed] of cases) {
      const res = await env.app.inject({ method: 'POST', url, headers: { 'content-type': contentType, ...headers }, payload });
      t.ok(allowed.includes(res.statusCode), `${url}: ${name} → ${res.statusCode}`);
      t.same(Object.keys(res.json()).sort(), ['error', 'message'], `${url}: ${name} answers { error, message }`);
      t.notMatch(res.body, /\bat \S+:\d+:\d+/, 'no stack trace');
    }
  }
  for (const [method, url] of [
    ['GET', '/telegram/webhook'],
    ['PUT', '/webhooks/fal'],
    ['DELETE', '/internal/check-status'],
    ['POST', '/healthz'],
  ] as const) {
    const res = await env.app.inject({ method, url });
    t.equal(res.statusCode, 404, `${method} ${url}`);
    t.equal(res.json().error, 'NotFound');
  }
});
