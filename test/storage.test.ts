import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Test } from 'tap';
import t from 'tap';
import { createFsStorage } from '../src/storage/fs-storage.js';
import { createS3Client, createS3Storage } from '../src/storage/s3-storage.js';
import type { Storage } from '../src/storage/storage.js';
import { startS3Server } from './support/fakes/s3-server.js';

async function bytesOf(stream: Readable | null): Promise<Buffer> {
  if (!stream) throw new Error('expected an object, got null');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Yields `size` random bytes in chunks, without knowing the length up front, like an upload from the Bot API. */
function streamOf(data: Buffer, chunk = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
    })(),
  );
}

/** One contract, every adapter: the app relies on exactly these behaviours. */
function contract(name: string, make: (t: Test) => Promise<Storage>) {
  t.test(`${name} storage`, async (t) => {
    const storage = await make(t);

    t.test('put a buffer, then get, exists', async (t) => {
      const data = Buffer.from('hello photo');
      await storage.put('avatars/a1/photos/01.jpg', data, { contentType: 'image/jpeg' });
      t.equal(await storage.exists('avatars/a1/photos/01.jpg'), true);
      t.same(await bytesOf(await storage.get('avatars/a1/photos/01.jpg')), data);
    });

    t.test('put a 7 MB stream of unknown length, get the same bytes', async (t) => {
      const data = randomBytes(7 * 1024 * 1024);
      await storage.put('avatars/big/photos.zip', streamOf(data), { contentType: 'application/zip' });
      t.equal(sha(await bytesOf(await storage.get('avatars/big/photos.zip'))), sha(data));
    });

    t.test('a put overwrites', async (t) => {
      await storage.put('avatars/a2/x.png', Buffer.from('one'));
      await storage.put('avatars/a2/x.png', Buffer.from('two'));
      t.equal((await bytesOf(await storage.get('avatars/a2/x.png'))).toString(), 'two');
    });

    t.test('a missing key: get is null, exists is false, delete is fine', async (t) => {
      t.equal(await storage.get('avatars/none/x.jpg'), null);
      t.equal(await storage.exists('avatars/none/x.jpg'), false);
      await storage.delete('avatars/none/x.jpg');
      t.pass('deleting a missing key does not throw');
    });

    t.test('delete removes one key', async (t) => {
      await storage.put('avatars/a3/1.jpg', Buffer.from('1'));
      await storage.put('avatars/a3/2.jpg', Buffer.from('2'));
      await storage.delete('avatars/a3/1.jpg');
      t.equal(await storage.exists('avatars/a3/1.jpg'), false);
      t.equal(await storage.exists('avatars/a3/2.jpg'), true);
    });

    t.test('deleteByPrefix removes exactly the keys under the prefix', async (t) => {
      const keys = ['users/1/a.jpg', 'users/1/photos/b.jpg', 'users/1/photos/deep/c.jpg', 'users/10/a.jpg', 'users/2/a.jpg'];
      for (const key of keys) await storage.put(key, Buffer.from(key));
      t.equal(await storage.deleteByPrefix('users/1/'), 3);
      t.same(
        await Promise.all(keys.map((k) => storage.exists(k))),
        [false, false, false, true, true],
        '"users/1/" does not touch "users/10/"',
      );
      t.equal(await storage.deleteByPrefix('users/1/'), 0, 'again: nothing left to delete');
    });

    t.test('deleteByPrefix pages through more than a thousand keys', async (t) => {
      const keys = Array.from({ length: 1005 }, (_, i) => `bulk/k${i}.txt`);
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(keys.slice(i, i + 50).map((k) => storage.put(k, Buffer.from('x'))));
      }
      t.equal(await storage.deleteByPrefix('bulk/'), 1005);
      t.equal(await storage.exists('bulk/k1004.txt'), false);
    });

    t.test('a failed upload leaves no object behind', async (t) => {
      const failing = new Readable({
        read() {
          this.push(Buffer.alloc(1024, 1));
          this.destroy(new Error('connection to the Bot API dropped'));
        },
      });
      await t.rejects(storage.put('avatars/a4/broken.jpg', failing));
      t.equal(await storage.exists('avatars/a4/broken.jpg'), false);
    });

    t.test('keys that could escape the storage root are refused', async (t) => {
      for (const key of ['../etc/passwd', '/abs/path', 'a//b', 'a/../b', 'a/./b', '', 'a b', 'a\\b']) {
        await t.rejects(storage.put(key, Buffer.from('x')), /invalid storage key/, JSON.stringify(key));
      }
      await t.rejects(storage.deleteByPrefix('../'), /invalid storage key/);
    });

    t.test('ping answers', async (t) => {
      await storage.ping();
      t.pass();
    });
  });
}

contract('filesystem', async (t) => createFsStorage(path.join(t.testdir(), 'files')));

contract('S3 (s3rver)', async (t) => {
  const server = await startS3Server(t.testdir(), 'avatars');
  const client = createS3Client({
    endpoint: server.endpoint,
    bucket: 'avatars',
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  });
  t.teardown(async () => {
    client.destroy();
    await server.stop();
  });
  return createS3Storage(client, 'avatars');
});

t.test('filesystem storage leaves no temporary files after writes', async (t) => {
  const root = path.join(t.testdir(), 'files');
  const storage = createFsStorage(root);
  await storage.put('a/b.jpg', Buffer.from('x'));
  await t.rejects(
    storage.put(
      'a/c.jpg',
      new Readable({
        read() {
          this.destroy(new Error('boom'));
        },
      }),
    ),
  );
  t.same(await readdir(path.join(root, 'a')), ['b.jpg']);
});

t.test('S3 storage reports an unreachable endpoint from ping', async (t) => {
  const client = createS3Client({
    endpoint: 'http://127.0.0.1:9',
    bucket: 'b',
    region: 'us-east-1',
    accessKeyId: 'x',
    secretAccessKey: 'y',
    forcePathStyle: true,
  });
  t.teardown(() => client.destroy());
  await t.rejects(createS3Storage(client, 'b').ping());
});
