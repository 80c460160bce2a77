/**
 * `npm test`: one PostgreSQL for the whole run (embedded unless TEST_DATABASE_URL
 * is set), a migrated template database every test file copies, then tap, then
 * one plain closing line `N passed, N failed`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Parser } from 'tap-parser';
import { createDatabase, runMigrations } from '../src/db/client.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../src/db/embedded/launcher.js';
import { databaseUrl, dropDatabaseSql, withAdmin } from './support/postgres-admin.js';

const RESULTS_DIR = '.tap/test-results';

async function createTemplate(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, async (c) => {
    await c.query(dropDatabaseSql(name));
    await c.query(`create database ${pg.escapeIdentifier(name)}`);
  });
  const database = createDatabase(databaseUrl(adminUrl, name));
  try {
    await runMigrations(database);
  } finally {
    await database.close();
  }
}

type Counts = { passed: number; failed: number; skipped: number };

/**
 * Counts the leaf test points of one file's TAP output: a subtest's summary
 * line is not counted again. A file that failed without any failing point
 * (a crash, a timeout) counts as one failure.
 */
async function countFile(file: string): Promise<Counts> {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  const watch = (parser: Parser) => {
    let childrenOk = 0;
    let childrenFailed = 0;
    parser.on('child', (child: Parser) => {
      watch(child);
      child.on('complete', (results: { ok: boolean }) => (results.ok ? childrenOk++ : childrenFailed++));
    });
    parser.on('complete', (results: { pass: number; fail: number; skip: number; todo: number }) => {
      counts.skipped += results.skip + results.todo;
      counts.passed += Math.max(0, results.pass - results.skip - results.todo - childrenOk);
      counts.failed += Math.max(0, results.fail - childrenFailed);
    });
  };
  const root = new Parser();
  watch(root);
  const done = new Promise<{ ok: boolean }>((resolve) => root.on('complete', resolve));
  createReadStream(file).pipe(root);
  const result = await done;
  if (!result.ok && counts.failed === 0) counts.failed = 1;
  return counts;
}

async function tapFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('.tap')).map((e) => path.join(e.parentPath, e.name));
}

async function main(): Promise<number> {
  let embedded: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'avatar-bot-test-pg-'));
    embedded = await startEmbeddedPostgres({ dataDir });
    adminUrl = embedded.adminUrl;
  }
  const template = `avatar_bot_template_${process.pid}`;
  try {
    await createTemplate(adminUrl, template);
    await rm(RESULTS_DIR, { recursive: true, force: true });
    // E2E=1 adds the browser tests (test/e2e/*.e2e.ts, Debian's chromium needed) to the run.
    const args = process.argv.slice(2);
    if (process.env.E2E === '1' && args.length === 0) args.push('test/**/*.test.ts', 'test/e2e/*.e2e.ts');
    const tap = spawn('npx', ['tap', ...args], {
      stdio: 'inherit',
      env: { ...process.env, TEST_DATABASE_URL: adminUrl, TEST_TEMPLATE_DATABASE: template },
    });
    const [code] = (await once(tap, 'exit')) as [number | null];

    const total: Counts = { passed: 0, failed: 0, skipped: 0 };
    for (const file of await tapFiles(RESULTS_DIR)) {
      const c = await countFile(file);
      total.passed += c.passed;
      total.failed += c.failed;
      total.skipped += c.skipped;
    }
    // tap failing for a reason no file shows (bad options, a runner crash) is still a failure.
    if (code !== 0 && total.failed === 0) total.failed = 1;
    const skipped = total.skipped > 0 ? `, ${total.skipped} skipped` : '';
    process.stdout.write(`\n${total.passed} passed, ${total.failed} failed${skipped}\n`);
    return total.failed > 0 || code !== 0 ? 1 : 0;
  } finally {
    await withAdmin(adminUrl, (c) => c.query(dropDatabaseSql(template))).catch(() => {});
    await embedded?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test run failed: ${(error as Error).stack ?? String(error)}\n0 passed, 1 failed\n`);
    process.exit(1);
  },
);
