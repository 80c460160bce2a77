import { createHash, randomBytes } from 'node:crypto';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Binaries, canReach, exec, openSharedBase, POSTGRES_ENV, type RunAs, SHARED_BASE } from './binaries.js';

/** The cluster's data: where it lives, and its first initialisation. */

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
