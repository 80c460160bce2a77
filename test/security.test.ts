import t from 'tap';
import { bearerToken, secretEquals } from '../src/http/secrets.js';

t.test('secretEquals: equal only for the same secret, whatever the lengths', async (t) => {
  const secret = 'telegram-webhook-secret';
  t.equal(secretEquals(secret, secret), true);
  for (const other of [undefined, '', 't', secret.slice(0, -1), `${secret}x`, secret.toUpperCase(), `${secret}\0`, 'x'.repeat(10_000)]) {
    t.equal(secretEquals(other, secret), false, JSON.stringify(other)?.slice(0, 30));
  }
  t.equal(secretEquals('', ''), true, 'an empty expected secret only matches an empty one');
  t.equal(secretEquals(undefined, ''), false, 'a missing header never matches');
});

t.test('bearerToken reads only "Bearer <token>"', async (t) => {
  t.equal(bearerToken('Bearer abc'), 'abc');
  t.equal(bearerToken('bearer abc'), 'abc');
  for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer a b', 'abc'])
    t.equal(bearerToken(header), undefined, String(header));
});
