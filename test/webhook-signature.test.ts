import t from 'tap';
import { createFalWebhookVerifier } from '../src/fal/webhook-signature.js';
import { newSigningKey, startFakeFal } from './support/fakes/fal-api.js';

t.test('key rotation: a signature no cached key matches refetches the JWKS, at most once a minute', async (t) => {
  const fal = await startFakeFal();
  t.teardown(fal.close);
  let clock = Date.now();
  const verifier = createFalWebhookVerifier({ jwksUrl: fal.jwksUrl, now: () => clock, refetchIntervalMs: 60_000 });
  const raw = Buffer.from('{"request_id":"r1","status":"OK"}');

  t.equal((await verifier.verify(fal.sign(raw, { requestId: 'r1' }), raw)).ok, true);
  t.equal(fal.state.jwksRequests, 1);

  const rotated = newSigningKey();
  fal.state.keys = [rotated];
  clock += 10_000;
  const early = await verifier.verify(fal.sign(raw, { requestId: 'r1', timestamp: Math.floor(clock / 1000) }), raw);
  t.equal(early.ok, false, 'within a minute of the last fetch the cached keys are used');
  t.equal(fal.state.jwksRequests, 1, 'no refetch storm from bad signatures');

  clock += 60_000;
  const late = await verifier.verify(fal.sign(raw, { requestId: 'r1', timestamp: Math.floor(clock / 1000) }), raw);
  t.equal(late.ok, true, 'the rotated key is found after a refetch');
  t.equal(fal.state.jwksRequests, 2);
});

t.test('the cache expires after its TTL', async (t) => {
  const fal = await startFakeFal();
  t.teardown(fal.close);
  let clock = Date.now();
  const verifier = createFalWebhookVerifier({ jwksUrl: fal.jwksUrl, now: () => clock, cacheTtlMs: 1000 });
  const raw = Buffer.from('{}');
  await verifier.verify(fal.sign(raw, { requestId: 'r', timestamp: Math.floor(clock / 1000) }), raw);
  clock += 1500;
  await verifier.verify(fal.sign(raw, { requestId: 'r', timestamp: Math.floor(clock / 1000) }), raw);
  t.equal(fal.state.jwksRequests, 2);
});

t.test('concurrent verifications share one JWKS fetch', async (t) => {
  const fal = await startFakeFal();
  t.teardown(fal.close);
  const verifier = createFalWebhookVerifier({ jwksUrl: fal.jwksUrl });
  const raw = Buffer.from('{}');
  const results = await Promise.all(Array.from({ length: 10 }, () => verifier.verify(fal.sign(raw, { requestId: 'r' }), raw)));
  t.ok(results.every((r) => r.ok));
  t.equal(fal.state.jwksRequests, 1);
});

t.test('the timestamp window is ±300 s, inclusive', async (t) => {
  const fal = await startFakeFal();
  t.teardown(fal.close);
  const clock = 1_800_000_000_000;
  const verifier = createFalWebhookVerifier({ jwksUrl: fal.jwksUrl, now: () => clock });
  const raw = Buffer.from('{"request_id":"r"}');
  const at = (offset: number) => verifier.verify(fal.sign(raw, { requestId: 'r', timestamp: clock / 1000 + offset }), raw);
  t.equal((await at(-300)).ok, true, '300 s old');
  t.equal((await at(300)).ok, true, '300 s ahead');
  t.same(await at(-301), { ok: false, reason: 'timestamp outside the accepted window' });
  t.same(await at(301), { ok: false, reason: 'timestamp outside the accepted window' });
});
