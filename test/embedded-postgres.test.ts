import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { postgresDataDir } from './support/helper.js';

/** The embedded PostgreSQL across the ways a process really ends and the places people really run it. */

const MODULE = new URL('../src/db/embedded-postgres.ts', import.meta.url).href;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function answers(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('select 1 as one')).rows[0]!.one;
  } finally {
    await client.end();
  }
}

t.test('kill -9 of the process, then a start: the server it left running is stopped and the start goes on', async (t) => {
  const dataDir = await postgresDataDir(t);
  const script = `const { startEmbeddedPostgres } = await import(${JSON.stringify(MODULE)});
    const db = await startEmbeddedPostgres({ dataDir: process.argv[1] });
    console.log('ready ' + db.clusterDir);
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('ready ')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the first run exited with ${code}: ${out}`)));
  });
  const cluster = out.split('ready ')[1]!.trim();
  const orphan = Number((await readFile(path.join(cluster, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  child.kill('SIGKILL');
  await once(child, 'exit');
  t.ok(isAlive(orphan), 'kill -9 leaves the server running');

  const second = await startEmbeddedPostgres({ dataDir });
  t.teardown(second.stop);
  t.notOk(isAlive(orphan), 'the orphan was stopped');
  t.equal(await answers(second.adminUrl), 1, 'the new server answers, on the same data');
});

t.test('DATA_DIR inside a directory only its owner can enter', async (t) => {
  const privateDir = path.join(t.testdir(), 'private');
  await mkdir(privateDir, { mode: 0o700 });
  await chmod(privateDir, 0o700);
  const dataDir = path.join(privateDir, 'data');
  const db = await startEmbeddedPostgres({ dataDir });
  t.teardown(async () => {
    await db.stop();
    if (db.clusterDir.startsWith(dataDir)) return;
    await rm(db.clusterDir, { recursive: true, force: true });
    await rm(`${db.clusterDir}.password`, { force: true });
  });
  t.equal(await answers(db.adminUrl), 1);
  if (process.getuid?.() === 0) {
    t.notOk(db.clusterDir.startsWith(privateDir), 'as root, the cluster lives where the postgres user can reach it');
  } else {
    t.equal(db.clusterDir, path.join(dataDir, 'postgres'), 'as its owner, the cluster stays under DATA_DIR');
  }
});
