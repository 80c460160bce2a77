import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RunAs } from './binaries.js';
import { START_TIMEOUT_MS } from './cluster.js';

/**
 * A server an earlier run left on the cluster. kill -9 skips our exit handler
 * and the server runs in its own process group, so it outlives its launcher.
 * `postmaster.pid` names it — or, after a reboot or a copied directory, some
 * other process that now has that PID: only a verified server of this cluster
 * is ever signalled.
 */

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses), or null. */
async function procStat(pid: number): Promise<string[] | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return text ? text.slice(text.lastIndexOf(')') + 2).split(' ') : null;
}

/** The parent pid of a process (Linux /proc), or null where it cannot be read. */
async function parentOf(pid: number): Promise<number | null> {
  const ppid = Number((await procStat(pid))?.[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

/** When a process started, in seconds since the epoch (Linux: boot time plus its start in clock ticks, 100 a second). */
async function startedAt(pid: number): Promise<number | null> {
  const ticks = Number((await procStat(pid))?.[19]);
  const boot = Number(/^btime (\d+)$/m.exec(await readFile('/proc/stat', 'utf8').catch(() => ''))?.[1]);
  return Number.isFinite(ticks) && Number.isFinite(boot) ? boot + ticks / 100 : null;
}

/**
 * Whether `pid` is the PostgreSQL server of `pgDir` that `postmaster.pid` describes: its program is
 * postgres with `-D pgDir`, the user the cluster runs as owns it, and it started when the file says.
 */
async function isServerOf(pid: number, pgDir: string, fileStart: number, user: RunAs): Promise<boolean> {
  const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
  if (path.basename(argv[0] ?? '') !== 'postgres' || argv[argv.indexOf('-D') + 1] !== pgDir) return false;
  const owner = (await stat(`/proc/${pid}`).catch(() => null))?.uid;
  if (owner !== (user?.uid ?? process.getuid?.())) return false;
  const started = await startedAt(pid);
  return started !== null && Math.abs(started - fileStart) <= 2;
}

/** Whether a process is a Node.js process (a launcher of ours) rather than init or a container's reaper. */
async function isLauncher(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return /(^|\/)node(\0|$)/.test(cmdline.split('\0')[0] ?? '');
}

/**
 * Makes way for this start. A verified server whose launcher is gone (re-parented to init or a
 * reaper) is stopped with a fast shutdown; one whose launcher is alive — in a container, node
 * itself may be PID 1 — belongs to another instance on the same DATA_DIR, and the start is refused.
 * A file naming anything else is stale and removed, so PostgreSQL does not refuse it either.
 */
export async function stopOrphanedServer(pgDir: string, user: RunAs, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  const [pidLine, , startLine] = (await readFile(pidFile, 'utf8').catch(() => '')).split('\n');
  const pid = Number(pidLine);
  if (!(pid > 0 && isAlive(pid))) return; // none, or a stale file PostgreSQL itself clears
  if (!(await isServerOf(pid, pgDir, Number(startLine), user))) {
    log(`postmaster.pid names pid ${pid}, which is not this cluster's PostgreSQL: the file is stale`);
    await rm(pidFile, { force: true });
    return;
  }
  const parent = await parentOf(pid);
  if (parent !== null && (await isLauncher(parent))) {
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
