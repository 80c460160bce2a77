import path from 'node:path';
import type { Config } from '../config.js';
import { createFsStorage } from './fs-storage.js';
import { createS3Client, createS3Storage } from './s3-storage.js';
import type { Storage } from './storage.js';

export function createStorage(config: Pick<Config, 's3' | 'dataDir'>): { storage: Storage; kind: 's3' | 'filesystem'; close(): void } {
  if (config.s3) {
    const client = createS3Client(config.s3);
    return { storage: createS3Storage(client, config.s3.bucket), kind: 's3', close: () => client.destroy() };
  }
  return { storage: createFsStorage(path.join(config.dataDir, 'files')), kind: 'filesystem', close: () => {} };
}
