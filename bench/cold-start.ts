import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { report } from './support.js';

/** `npm start` as a newcomer runs it: the very first (no build, no database), then a second start. */
export async function coldStart() {
  const section = '5 cold start';
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'avatar-bot-bench-start-'));
  await rm('dist', { recursive: true, force: true });
  for (const [run, target] of [
    ['first `npm start` (build, initdb)', 15_000],
    ['second `npm start`', 5_000],
  ] as const) {
    const port = 30_000 + Math.floor(Math.random() * 20_000);
    const t0 = performance.now();
    // Its own process group: npm, the build and the server are stopped together.
    const child = spawn('npm', ['start'], {
      env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
      detached: true,
    });
    let ms = NaN;
    for (let i = 0; i < 1200; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) {
        ms = performance.now() - t0;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const exited = once(child, 'exit');
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    report(section, `${run} → /readyz 200`, `${ms.toFixed(0)} ms`, `target < ${target / 1000} s — ${ms < target ? 'met' : 'MISSED'}`);
  }
  await rm(dataDir, { recursive: true, force: true });
}
