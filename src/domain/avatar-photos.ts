import { createReadStream } from 'node:fs';
import { and, count, eq, inArray, like, max, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { avatarPhotos, avatars } from '../db/schema.js';
import type { Storage } from '../storage/storage.js';
import { COLLECTING_PHOTOS, isCollectingPhotos, TRANSITIONS } from './avatar-lifecycle.js';
import { avatarPrefix, inStatusFor } from './avatars.js';
import { checkImage, contentTypeOf, extensionOf, type PhotoRefusal } from './image-check.js';

/** A photo received into a temporary file, hashed on the way in. */
export type UploadedFile = { path: string; size: number; sha256: string };

export type PhotoLimits = { maxPhotos: number; maxBytes: number; minSide: number };

export type AddPhotoResult =
  | { ok: true; count: number }
  | { ok: false; refusal: PhotoRefusal }
  /** The avatar is no longer collecting photos (submitted, deleted, or under review). */
  | { ok: false; refusal: null };

/**
 * Validates and stores one uploaded photo. Safe under concurrency: an album's
 * photos arrive as parallel updates, and the avatar row lock makes the count,
 * the limit and the order come out right. The file is written before the row,
 * and removed again when the row is refused.
 */
export async function addPhoto(
  db: Db,
  storage: Storage,
  input: { avatarId: string; file: UploadedFile; telegramFileId: string | null; limits: PhotoLimits },
): Promise<AddPhotoResult> {
  const { avatarId, file, limits } = input;
  const info = await checkImage(file, { maxBytes: limits.maxBytes, minSide: limits.minSide });
  if ('kind' in info) return { ok: false, refusal: info };
  const { sha256 } = file;

  const [known] = await db
    .select({ id: avatarPhotos.id })
    .from(avatarPhotos)
    .where(and(eq(avatarPhotos.avatarId, avatarId), eq(avatarPhotos.sha256, sha256)));
  if (known) return { ok: false, refusal: { kind: 'duplicate' } };

  // Named by content: two concurrent copies of one photo write the same bytes to the same key.
  const storageKey = `${avatarPrefix(avatarId)}photos/${sha256}.${extensionOf(info.format)}`;
  await storage.put(storageKey, createReadStream(file.path), { contentType: contentTypeOf(info.format) });

  const insertRow = db.transaction(async (tx): Promise<AddPhotoResult> => {
    const [avatar] = await tx.select({ status: avatars.status }).from(avatars).where(eq(avatars.id, avatarId)).for('update');
    if (!avatar || !isCollectingPhotos(avatar)) return { ok: false, refusal: null };
    const [stats] = await tx
      .select({ n: count(), last: max(avatarPhotos.position) })
      .from(avatarPhotos)
      .where(eq(avatarPhotos.avatarId, avatarId));
    const n = stats?.n ?? 0;
    if (n >= limits.maxPhotos) return { ok: false, refusal: { kind: 'over_limit', max: limits.maxPhotos } };
    const inserted = await tx
      .insert(avatarPhotos)
      .values({
        avatarId,
        storageKey,
        telegramFileId: input.telegramFileId,
        sha256,
        sizeBytes: file.size,
        width: info.width,
        height: info.height,
        format: info.format,
        position: (stats?.last ?? 0) + 1,
      })
      .onConflictDoNothing()
      .returning({ id: avatarPhotos.id });
    if (inserted.length === 0) return { ok: false, refusal: { kind: 'duplicate' } };
    await tx
      .update(avatars)
      .set({ status: TRANSITIONS.collectPhotos.to, updatedAt: new Date() })
      .where(inStatusFor(avatarId, 'collectPhotos'));
    return { ok: true, count: n + 1 };
  });

  // The key is shared by identical photos: the file stays only if a row (a concurrent copy) uses it.
  const removeUnused = async () => {
    const [used] = await db.select({ id: avatarPhotos.id }).from(avatarPhotos).where(eq(avatarPhotos.storageKey, storageKey));
    if (!used) await storage.delete(storageKey);
  };
  let result: AddPhotoResult;
  try {
    result = await insertRow;
  } catch (error) {
    // Stored, but no row: the file would be an orphan that counts toward nothing.
    await removeUnused().catch(() => {});
    throw error;
  }
  if (!result.ok) await removeUnused();
  return result;
}

/** Deletes one photo (named by the first 8 hex digits of its sha256) while the avatar collects photos. */
export async function deletePhoto(db: Db, storage: Storage, avatarId: string, shaPrefix: string): Promise<boolean> {
  const deleted = await db
    .delete(avatarPhotos)
    .where(
      and(
        eq(avatarPhotos.avatarId, avatarId),
        like(avatarPhotos.sha256, `${shaPrefix.replace(/[^0-9a-f]/g, '')}%`),
        sql`exists (select 1 from ${avatars} where ${avatars.id} = ${avatarId} and ${inArray(avatars.status, [...COLLECTING_PHOTOS])})`,
      ),
    )
    .returning({ storageKey: avatarPhotos.storageKey });
  for (const photo of deleted) await storage.delete(photo.storageKey);
  return deleted.length > 0;
}
