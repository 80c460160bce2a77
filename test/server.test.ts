import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { freePort, postgresDataDir } from './support/helper.js';

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url));

/** Starts the real entry point as `npm start` would, on embedded defaults: no database, storage, token or key. */
function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited, output: () => output };
}

async function waitFor(url: string, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return res;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

t.test('starts on embedded defaults, serves health, stops cleanly on SIGTERM, and starts again on the same data', async (t) => {
  const dataDir = await postgresDataDir(t);
  for (const run of ['first start', 'second start']) {
    const port = await freePort();
    const server = startServer({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
    t.teardown(() => {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    });
    await waitFor(`http://127.0.0.1:${port}/healthz`);
    const ready = await waitFor(`http://127.0.0.1:${port}/readyz`);
    t.same(await ready.json(), { status: 'ready', checks: { database: 'ok', storage: 'ok' } }, run);
    server.child.kill('SIGTERM');
    const [code] = await server.exited;
    t.equal(code, 0, `${run}: exits 0 after SIGTERM`);
    t.match(server.output(), /"msg":"stopped"/);
  }
});

t.test('a bad setting stops start-up with a message naming the variable', async (t) => {
  const server = startServer({ PORT: 'eighty', DATA_DIR: await postgresDataDir(t) });
  const [code] = await server.exited;
  t.equal(code, 1);
  t.match(server.output(), /Invalid configuration:\n {2}- PORT must be a whole number/);
});

t.test('production refuses to start without its secrets', async (t) => {
  const server = startServer({ NODE_ENV: 'production', DATA_DIR: await postgresDataDir(t) });
  const [code] = await server.exited;
  t.equal(code, 1);
  t.match(server.output(), /INTERNAL_API_TOKEN is required when NODE_ENV=production/);
});

t.test('SIGTERM during an in-flight webhook: it finishes, then the process exits 0', async (t) => {
  const { startFakeFal } = await import('./support/fakes/fal-api.js');
  const fal = await startFakeFal();
  t.teardown(fal.close);
  fal.state.jwksDelayMs = 1500;
  const port = await freePort();
  const server = startServer({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: await postgresDataDir(t),
    FAL_WEBHOOK_JWKS_URL: fal.jwksUrl,
  });
  t.teardown(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });
  await waitFor(`http://127.0.0.1:${port}/readyz`);

  const raw = JSON.stringify({ request_id: 'in-flight', status: 'OK', payload: { finetune_id: 'x' } });
  const delivery = fetch(`http://127.0.0.1:${port}/webhooks/fal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...fal.sign(raw, { requestId: 'in-flight' }) },
    body: raw,
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  server.child.kill('SIGTERM');
  const answer = await delivery;
  t.equal(answer.status, 200, 'the in-flight delivery was stored and answered');
  t.same(await answer.json(), { received: true });
  const [code] = await server.exited;
  t.equal(code, 0);
  t.match(server.output(), /FAL webhook stored[\s\S]*"msg":"stopped"/, 'stored before the process stopped');
});

t.test('Ctrl-C with the playground page open exits 0 at once', async (t) => {
  const port = await freePort();
  const server = startServer({ PORT: String(port), DATA_DIR: await postgresDataDir(t) });
  t.teardown(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });
  await waitFor(`http://127.0.0.1:${port}/readyz`);
  const events = await fetch(`http://127.0.0.1:${port}/__playground/events`);
  const reader = events.body!.getReader();
  await reader.read(); // connected
  server.child.kill('SIGINT');
  const [code] = await server.exited;
  t.equal(code, 0, 'exits 0: the open event stream did not hold the shutdown to its timeout (exit 1)');
  t.notMatch(server.output(), /shutdown timed out/);
});
