import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertValidKey, assertValidPrefix, type Storage } from './storage.js';

const TEMP_SUFFIX = '.partial';

/** Files under a directory: the zero-setup default. Writes are atomic (temp file, then rename). */
export function createFsStorage(root: string): Storage {
  const fileOf = (key: string) => path.join(root, ...key.split('/'));

  async function* walk(dir: string): AsyncGenerator<string> {
    const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) yield* walk(full);
      else if (!entry.name.endsWith(TEMP_SUFFIX)) yield full;
    }
  }

  return {
    async put(key, body) {
      assertValidKey(key);
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const temp = `${file}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
      // Opened before the copy starts, so a failing source can never leave a file created after the clean-up.
      const handle = await open(temp, 'wx');
      try {
        await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, handle.createWriteStream());
        const written = await open(temp, 'r+');
        await written.sync().finally(() => written.close());
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },

    async get(key) {
      assertValidKey(key);
      const stream = createReadStream(fileOf(key));
      try {
        await new Promise<void>((resolve, reject) => {
          stream.once('open', () => resolve());
          stream.once('error', reject);
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      return stream;
    },

    async exists(key) {
      assertValidKey(key);
      return stat(fileOf(key)).then(
        (s) => s.isFile(),
        () => false,
      );
    },

    async delete(key) {
      assertValidKey(key);
      await rm(fileOf(key), { force: true });
    },

    async deleteByPrefix(prefix) {
      assertValidPrefix(prefix);
      // Keys sharing the prefix live under the directory of its last complete segment.
      const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      const dir = base ? fileOf(base) : root;
      let deleted = 0;
      for await (const file of walk(dir)) {
        const key = path.relative(root, file).split(path.sep).join('/');
        if (!key.startsWith(prefix)) continue;
        await rm(file, { force: true });
        deleted += 1;
      }
      return deleted;
    },

    async ping() {
      await mkdir(root, { recursive: true });
      await access(root);
    },
  };
}
