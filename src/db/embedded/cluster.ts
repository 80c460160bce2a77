import { createHash, randomBytes } from 'node:crypto';
import { chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Binaries, canReach, exec, openSharedBase, POSTGRES_ENV, type RunAs, SHARED_BASE } from './binaries.js';

/** The cluster's data: where it lives, its first initialisation, and a server an earlier run left on it. */

export const START_TIMEOUT_MS = 60_000;

/**
 * The cluster's directory: `DATA_DIR/postgres`, or — when the `postgres` user
 * cannot reach DATA_DIR — one under SHARED_BASE named after DATA_DIR, so each
 * DATA_DIR keeps its own cluster.
 */
export async function clusterDir(dataDir: string, user: RunAs): Promise<string> {
  const own = path.join(dataDir, 'postgres');
  if (!user || (await canReach(user, dataDir))) return own;
  const name = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
  await openSharedBase();
  return path.join(SHARED_BASE, `cluster-${name}`);
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
export async function stopOrphanedServer(pgDir: string, log: (line: string) => void): Promise<void> {
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

export async function initialise(bin: Binaries, pgDir: string, passwordFile: string, user: RunAs): Promise<void> {
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
