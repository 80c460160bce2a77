import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { buildTestApp } from './support/helper.js';

t.test('/healthz and /readyz answer 200 when the database and storage answer', async (t) => {
  const { app } = await buildTestApp(t);
  const health = await app.inject('/healthz');
  t.equal(health.statusCode, 200);
  t.same(health.json(), { status: 'ok' });
  const ready = await app.inject('/readyz');
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ready', checks: { database: 'ok', storage: 'ok' } });
});

t.test('/readyz answers 503 when the database is gone, /healthz stays 200', async (t) => {
  const { app, database, logs } = await buildTestApp(t);
  await database.drop();
  const ready = await app.inject('/readyz');
  t.equal(ready.statusCode, 503);
  t.same(ready.json(), {
    error: 'ServiceUnavailable',
    message: 'a dependency is not answering',
    checks: { database: 'unavailable', storage: 'ok' },
  });
  t.match(logs.text, /not ready/, 'the reason is logged');
  t.equal((await app.inject('/healthz')).statusCode, 200);
});

t.test('/readyz answers 503 when storage cannot be used', async (t) => {
  const dataDir = t.testdir();
  // A file where the storage directory should be: the adapter cannot create or use it.
  await writeFile(path.join(dataDir, 'files'), 'not a directory');
  const { app } = await buildTestApp(t, { DATA_DIR: dataDir });
  const ready = await app.inject('/readyz');
  t.equal(ready.statusCode, 503);
  t.equal(ready.json().checks.storage, 'unavailable');
});

t.test('unknown routes are a 404 JSON error', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject('/nope');
  t.equal(res.statusCode, 404);
  t.same(res.json(), { error: 'NotFound', message: 'no route GET /nope' });
});

t.test('/favicon.ico answers 204, cacheable: a browser’s request is neither a 404 nor a log line', async (t) => {
  const { app, logs } = await buildTestApp(t);
  const res = await app.inject('/favicon.ico');
  t.equal(res.statusCode, 204);
  t.equal(res.headers['cache-control'], 'public, max-age=86400');
  t.notOk(
    logs.lines.some((l) => l.includes('favicon')),
    'nothing logged',
  );
});

t.test('answers carry helmet’s security headers', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject('/healthz');
  t.equal(res.headers['x-content-type-options'], 'nosniff');
  t.ok(res.headers['content-security-policy']);
});
