import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { Storage } from '../../storage/storage.js';
import type { AvatarPhoto } from '../avatars.js';

/**
 * Writes the avatar's photos into a zip file, streaming each from storage in
 * turn: memory stays flat whatever the photos weigh. Entries are flat and
 * numbered (`photo_001.jpg`, …) and stored, not deflated: the normalised JPEGs
 * (and an older row's PNG or WebP) are compressed already.
 */
export async function zipPhotosToFile(storage: Storage, photos: AvatarPhoto[], file: string): Promise<void> {
  const zip = new yazl.ZipFile();
  photos.forEach((photo, i) => {
    const name = `photo_${String(i + 1).padStart(3, '0')}.${photo.format === 'jpeg' ? 'jpg' : photo.format}`;
    zip.addReadStreamLazy(name, { compress: false, size: photo.sizeBytes, mtime: photo.createdAt }, (done) => {
      storage.get(photo.storageKey).then(
        (stream) => done(stream ? null : new Error(`photo ${photo.storageKey} is missing from storage`), stream as Readable),
        (error: Error) => done(error, undefined as never),
      );
    });
  });
  const output = zip.outputStream as Readable;
  // yazl reports a failing entry (a missing photo, a broken read) on the ZipFile, not on its stream.
  zip.on('error', (error: Error) => output.destroy(error));
  zip.end();
  await pipeline(output, createWriteStream(file));
}
