import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Telegram } from 'telegraf';
import type { UploadedFile } from '../domain/avatar-photos.js';
import { limiter } from '../runtime/limiter.js';

export class FileTooLargeError extends Error {
  override name = 'FileTooLargeError';
}

/** At most four photos are downloaded at once; an album's other updates wait their turn. */
const slot = limiter(4);

/**
 * Downloads a file the user sent (getFile, then the file URL) into a temporary
 * file, hashing it on the way: memory stays flat whatever the file weighs.
 * Refuses to read more than `maxBytes` (the declared size is not trusted). The
 * caller removes the file with `dispose()`.
 */
export function downloadTelegramFile(
  telegram: Telegram,
  fileId: string,
  maxBytes: number,
): Promise<UploadedFile & { dispose(): Promise<void> }> {
  return slot(async () => {
    const url = await telegram.getFileLink(fileId);
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok || !response.body) throw new Error(`file download answered HTTP ${response.status}`);
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > maxBytes) throw new FileTooLargeError(`file is ${declared} bytes`);
    const file = path.join(os.tmpdir(), `avatar-bot-upload-${randomBytes(8).toString('hex')}`);
    const dispose = () => rm(file, { force: true });
    const hash = createHash('sha256');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new FileTooLargeError(`file is over ${maxBytes} bytes`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream), measure, createWriteStream(file, { mode: 0o600 }));
    } catch (error) {
      await dispose();
      throw error;
    }
    return { path: file, size, sha256: hash.digest('hex'), dispose };
  });
}
