import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { zipPhotosToFile } from '../src/domain/training/photo-archive.js';
import { createFal } from '../src/fal/fal-client.js';
import { createFsStorage } from '../src/storage/fs-storage.js';
import { startFakeFal } from '../test/support/fakes/fal-api.js';
import { report } from './support.js';

export async function zipMemory(dataDir: string) {
  const section = '4 photo zip';
  const storage = createFsStorage(path.join(dataDir, 'zip-files'));
  const photos = [];
  for (let i = 0; i < 20; i++) {
    const key = `avatars/zip/photos/${i}.jpg`;
    await storage.put(key, randomBytes(10 * 1024 * 1024));
    photos.push({
      id: `${i}`,
      avatarId: 'zip',
      storageKey: key,
      telegramFileId: null,
      sha256: `${i}`,
      sizeBytes: 10 * 1024 * 1024,
      width: 1,
      height: 1,
      format: 'jpeg',
      fingerprint: null,
      thumbnailKey: null,
      faceDescriptor: null,
      faceStatus: null,
      faceSize: null,
      position: i + 1,
      createdAt: new Date(),
    });
  }
  const fal = await startFakeFal();
  fal.state.keepUploads = false;
  const client = createFal({
    fal: { key: 'bench', baseUrl: fal.url, webhookJwksUrl: fal.jwksUrl, simulator: undefined, models: {} as never },
  });
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const file = path.join(dataDir, 'photos.zip');
  const t0 = performance.now();
  await zipPhotosToFile(storage, photos, file);
  await client.storage.upload(await openAsBlob(file, { type: 'application/zip' }));
  const ms = performance.now() - t0;
  clearInterval(sampler);
  await fal.close();
  const growth = (peak - baseline) / 1024 / 1024;
  report(
    section,
    '20 × 10 MB: peak RSS growth',
    `${growth.toFixed(1)} MB`,
    `target < 64 MB; ${(fal.state.uploadedBytes / 1024 / 1024).toFixed(0)} MB uploaded in ${(ms / 1000).toFixed(1)} s`,
  );
}
