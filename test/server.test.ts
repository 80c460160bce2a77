import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

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
  const dataDir = t.testdir();
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
  const server = startServer({ PORT: 'eighty', DATA_DIR: t.testdir() });
  const [code] = await server.exited;
  t.equal(code, 1);
  t.match(server.output(), /Invalid configuration:\n {2}- PORT must be a whole number/);
});

t.test('production refuses to start without its secrets', async (t) => {
  const server = startServer({ NODE_ENV: 'production', DATA_DIR: t.testdir() });
  const [code] = await server.exited;
  t.equal(code, 1);
  t.match(server.output(), /INTERNAL_API_TOKEN is required when NODE_ENV=production/);
});
