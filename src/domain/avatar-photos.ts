import { and, eq, inArray, like, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { avatarPhotos, avatars } from '../db/schema.js';
import type { FaceDetector } from '../faces/face-detector.js';
import type { Storage } from '../storage/storage.js';
import { COLLECTING_PHOTOS, isCollectingPhotos, TRANSITIONS } from './avatar-lifecycle.js';
import { avatarPrefix, inStatusFor } from './avatars.js';
import { type FaceRefusal, type FaceRules, flagStrangers, judgePortrait } from './faces.js';
import { fingerprintDistance, type PhotoOptions, type PhotoRefusal, preparePhoto, SAME_PICTURE_DISTANCE } from './photo-pipeline.js';

/** Why an uploaded photo was not taken: the picture itself, or its face. */
export type UploadRefusal = PhotoRefusal | FaceRefusal;

/** A photo received into a temporary file, hashed on the way in. */
export type UploadedFile = { path: string; size: number; sha256: string };

export type PhotoLimits = PhotoOptions & { maxPhotos: number };

/** The face check of a portrait avatar's photos; null when it is off. */
export type FaceCheck = { detector: FaceDetector; rules: FaceRules } | null;

export type AddPhotoResult =
  /** `flagged`: photos that now look like someone else (this one, or earlier ones judged again), to ask the user about. */
  | { ok: true; count: number; flagged: { id: string; sha256: string }[] }
  | { ok: false; refusal: UploadRefusal }
  /** The avatar is no longer collecting photos (submitted, deleted, or under review). */
  | { ok: false; refusal: null };

/** True when one of `fingerprints` is the same picture as `fingerprint`. */
const samePicture = (fingerprint: string, fingerprints: (string | null)[]) =>
  fingerprints.some((known) => known !== null && fingerprintDistance(known, fingerprint) <= SAME_PICTURE_DISTANCE);

/**
 * Validates, normalises (domain/photo-pipeline.ts) and stores one uploaded
 * photo with its thumbnail. A duplicate is the same bytes, or the same picture
 * after normalisation (sent as a photo and again as a file). Safe under
 * concurrency: an album's photos arrive as parallel updates, and the avatar row
 * lock makes the count, the limit, the duplicates and the order come out right.
 * The files are written before the row, and removed again when it is refused.
 */
export async function addPhoto(
  db: Db,
  storage: Storage,
  input: { avatarId: string; file: UploadedFile; telegramFileId: string | null; limits: PhotoLimits; faces: FaceCheck },
): Promise<AddPhotoResult> {
  const { avatarId, file, limits } = input;
  const { sha256 } = file;
  const [avatar] = await db.select({ trainingType: avatars.trainingType }).from(avatars).where(eq(avatars.id, avatarId));
  if (!avatar) return { ok: false, refusal: null };
  const known = await db
    .select({ sha256: avatarPhotos.sha256, fingerprint: avatarPhotos.fingerprint })
    .from(avatarPhotos)
    .where(eq(avatarPhotos.avatarId, avatarId));
  if (known.some((k) => k.sha256 === sha256)) return { ok: false, refusal: { kind: 'duplicate' } };
  const photo = await preparePhoto(file, limits);
  if ('kind' in photo) return { ok: false, refusal: photo };
  if (
    samePicture(
      photo.fingerprint,
      known.map((k) => k.fingerprint),
    )
  )
    return { ok: false, refusal: { kind: 'duplicate' } };
  // A style avatar learns a look, not a face: its photos need none.
  let descriptor: number[] | null = null;
  let faceSize: number | null = null;
  if (input.faces && avatar.trainingType === 'portrait') {
    const judged = judgePortrait(await input.faces.detector.scan(photo.jpeg), input.faces.rules);
    if ('kind' in judged) return { ok: false, refusal: judged };
    descriptor = judged.face.descriptor;
    faceSize = judged.share;
  }

  // Named by content: two concurrent copies of one photo write the same bytes to the same keys.
  const storageKey = `${avatarPrefix(avatarId)}photos/${sha256}.jpg`;
  const thumbnailKey = `${avatarPrefix(avatarId)}thumbs/${sha256}.jpg`;
  await storage.put(storageKey, photo.jpeg, { contentType: 'image/jpeg' });
  await storage.put(thumbnailKey, photo.thumbnail, { contentType: 'image/jpeg' });

  const insertRow = db.transaction(async (tx): Promise<AddPhotoResult> => {
    const [avatar] = await tx.select({ status: avatars.status }).from(avatars).where(eq(avatars.id, avatarId)).for('update');
    if (!avatar || !isCollectingPhotos(avatar)) return { ok: false, refusal: null };
    const stored = await tx
      .select({ position: avatarPhotos.position, fingerprint: avatarPhotos.fingerprint })
      .from(avatarPhotos)
      .where(eq(avatarPhotos.avatarId, avatarId));
    const n = stored.length;
    if (n >= limits.maxPhotos) return { ok: false, refusal: { kind: 'over_limit', max: limits.maxPhotos } };
    // The same picture in another file may have been stored while this one was being normalised.
    if (
      samePicture(
        photo.fingerprint,
        stored.map((s) => s.fingerprint),
      )
    )
      return { ok: false, refusal: { kind: 'duplicate' } };
    const inserted = await tx
      .insert(avatarPhotos)
      .values({
        avatarId,
        storageKey,
        thumbnailKey,
        telegramFileId: input.telegramFileId,
        sha256,
        fingerprint: photo.fingerprint,
        sizeBytes: photo.jpeg.length,
        width: photo.width,
        height: photo.height,
        format: 'jpeg',
        position: Math.max(0, ...stored.map((s) => s.position)) + 1,
        faceDescriptor: descriptor,
        faceStatus: descriptor ? 'ok' : null,
        faceSize,
      })
      .onConflictDoNothing()
      .returning({ id: avatarPhotos.id });
    if (inserted.length === 0) return { ok: false, refusal: { kind: 'duplicate' } };
    await tx
      .update(avatars)
      .set({ status: TRANSITIONS.collectPhotos.to, updatedAt: new Date() })
      .where(inStatusFor(avatarId, 'collectPhotos'));
    const flagged = descriptor && input.faces ? await flagStrangers(tx, avatarId, input.faces.rules) : [];
    return { ok: true, count: n + 1, flagged };
  });

  // The keys are shared by identical photos: the files stay only if a row (a concurrent copy) uses them.
  const removeUnused = async () => {
    const [used] = await db.select({ id: avatarPhotos.id }).from(avatarPhotos).where(eq(avatarPhotos.storageKey, storageKey));
    if (!used) await Promise.all([storage.delete(storageKey), storage.delete(thumbnailKey)]);
  };
  let result: AddPhotoResult;
  try {
    result = await insertRow;
  } catch (error) {
    // Stored, but no row: the files would be orphans that count toward nothing.
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
    .returning({ storageKey: avatarPhotos.storageKey, thumbnailKey: avatarPhotos.thumbnailKey });
  for (const photo of deleted) {
    await storage.delete(photo.storageKey);
    if (photo.thumbnailKey) await storage.delete(photo.thumbnailKey);
  }
  return deleted.length > 0;
}
