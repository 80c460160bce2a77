import { openAsBlob } from 'node:fs';
import { Readable } from 'node:stream';
import type { FalClient } from '@fal-ai/client';
import type { Config } from '../config.js';
import { rewriteFalUrl } from './fal-client.js';

/**
 * Files on FAL's CDN: whether one still answers, its bytes as a stream, and a
 * file of ours uploaded to FAL storage. FAL deletes CDN files when their
 * retention ends, so a LoRA URL can stop answering while its avatar lives on.
 */
export type FalFiles = {
  /** true: it answers; false: FAL says it is gone (404, 410); null: no answer to tell. */
  answers(url: string): Promise<boolean | null>;
  /** The file as a stream, failing past `maxBytes` (declared or counted). */
  open(url: string, maxBytes: number): Promise<Readable>;
  /** Uploads a local file to FAL storage and returns its new URL. */
  upload(path: string, type: string): Promise<string>;
  /** A small file in memory (a photo) uploaded the same way. */
  uploadBytes(bytes: Buffer, type: string): Promise<string>;
};

export function createFalFiles(config: Pick<Config, 'fal'>, fal: FalClient): FalFiles {
  const target = (url: string) => rewriteFalUrl(url, config.fal.baseUrl);
  return {
    async answers(url) {
      // One byte: a LoRA is hundreds of megabytes, and some CDNs refuse HEAD.
      const response = await fetch(target(url), { headers: { range: 'bytes=0-0' }, signal: AbortSignal.timeout(10_000) }).catch(() => null);
      await response?.body?.cancel();
      if (!response) return null;
      if (response.ok) return true;
      return response.status === 404 || response.status === 410 ? false : null;
    },
    async open(url, maxBytes) {
      const response = await fetch(target(url), { signal: AbortSignal.timeout(300_000) });
      if (!response.ok || !response.body) throw new Error(`download of ${url} answered HTTP ${response.status}`);
      if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
        await response.body.cancel();
        throw new Error(`${url} is over ${maxBytes} bytes`);
      }
      const body = response.body;
      async function* counted() {
        let size = 0;
        for await (const chunk of body) {
          size += chunk.length;
          if (size > maxBytes) throw new Error(`${url} is over ${maxBytes} bytes`);
          yield chunk;
        }
      }
      return Readable.from(counted());
    },
    async uploadBytes(bytes, type) {
      return fal.storage.upload(new Blob([bytes], { type }));
    },
    async upload(path, type) {
      // A file-backed Blob: the upload streams from disk.
      return fal.storage.upload(await openAsBlob(path, { type }));
    },
  };
}
