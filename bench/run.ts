/**
 * `npm run bench`: what the service exists for, measured on loopback in one run
 * (BENCHMARKS.md holds a run's figures). Not part of `npm test`: timings are
 * reported, never asserted. Each section prints its numbers and the ratio to
 * its reference or target.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/db/embedded/launcher.js';
import { checkerScaling } from './checker.js';
import { coldStart } from './cold-start.js';
import { faceCheck } from './faces.js';
import { photoPipeline } from './photos.js';
import { promptAssistant } from './prompts.js';
import { photoShoot } from './shoots.js';
import { webhookStorm } from './storm.js';
import { rows } from './support.js';
import { uploadMemory } from './uploads.js';
import { webhookThroughput } from './webhook.js';
import { zipMemory } from './zip.js';

/** The sections in the order they run; `BENCH_ONLY=<name>` runs one. */
const SECTIONS: Record<string, (adminUrl: string, dataDir: string) => Promise<void>> = {
  webhook: webhookThroughput,
  storm: webhookStorm,
  checker: checkerScaling,
  zip: (_adminUrl, dataDir) => zipMemory(dataDir),
  uploads: uploadMemory,
  photos: (_adminUrl, dataDir) => photoPipeline(dataDir),
  faces: faceCheck,
  prompts: promptAssistant,
  shoots: photoShoot,
  start: () => coldStart(),
};

async function main() {
  const only = process.env.BENCH_ONLY;
  if (only && !(only in SECTIONS)) throw new Error(`BENCH_ONLY must be one of ${Object.keys(SECTIONS).join(', ')}`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'avatar-bot-bench-'));
  const postgres = await startEmbeddedPostgres({ dataDir });
  process.stdout.write(
    `avatar-bot benchmarks — ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`,
  );
  try {
    for (const [name, run] of Object.entries(SECTIONS)) if (!only || only === name) await run(postgres.adminUrl, dataDir);
  } finally {
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  process.stdout.write('\n| section | metric | value | note |\n| --- | --- | --- | --- |\n');
  for (const r of rows) process.stdout.write(`| ${r.section} | ${r.metric} | ${r.value} | ${r.note} |\n`);
}

await main();
