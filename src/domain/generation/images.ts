import type { Readable } from 'node:stream';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { avatars, generations } from '../../db/schema.js';
import type { Storage } from '../../storage/storage.js';
import type { FaceCheck } from '../avatar-photos.js';
import { avatarPrefix } from '../avatars.js';
import { type Likeness, likenessOf, scoreGeneration } from '../faces.js';
import { findGeneration, type Generation } from './queries.js';

/**
 * Copies a completed generation's pictures from FAL into storage under the
 * avatar's prefix, so its history outlives FAL's URLs and deleting the avatar
 * removes them. Idempotent: the keys are fixed by the generation.
 */
async function storeGenerationImages(
  db: Db,
  storage: Storage,
  generation: Generation,
  fetchImage: (url: string) => Promise<Buffer>,
  faces: FaceCheck,
): Promise<string[]> {
  if (generation.storageKeys.length === generation.imageUrls.length) return generation.storageKeys;
  const keys: string[] = [];
  for (const [i, url] of generation.imageUrls.entries()) {
    const key = `${avatarPrefix(generation.avatarId)}generations/${generation.id}/${i + 1}.jpg`;
    const image = await fetchImage(url);
    // The first picture is scored while its bytes are at hand; a failed scan leaves it unscored, not unsent.
    if (i === 0 && faces && generation.likenessStatus === null) {
      const scored = await scoreGeneration(db, faces, generation, image).catch(() => null);
      if (scored) Object.assign(generation, { likeness: scored.score, likenessStatus: scored.score === null ? 'no_face' : 'measured' });
    }
    await storage.put(key, image, { contentType: 'image/jpeg' });
    keys.push(key);
  }
  await db
    .update(generations)
    .set({ storageKeys: keys })
    .where(and(eq(generations.id, generation.id), sql`exists (select 1 from ${avatars} where ${avatars.id} = ${generation.avatarId})`));
  return keys;
}

/** A picture to send: a stream from storage, or FAL's URL when the copy has not succeeded yet. */
export type GenerationPicture = Readable | string;

/**
 * The pictures of a finished generation, ready to send: copied into storage
 * first and read from there; a picture whose copy fails is given as FAL's URL
 * (the copy is tried again with the next message). Null when the generation is
 * gone (its avatar was deleted meanwhile).
 */
export async function generationPictures(
  db: Db,
  storage: Storage,
  generationId: string,
  fetchImage: (url: string) => Promise<Buffer>,
  faces: FaceCheck = null,
): Promise<{ generation: Generation; pictures: GenerationPicture[]; likeness: Likeness | null } | null> {
  const generation = await findGeneration(db, generationId);
  if (!generation) return null;
  const keys = await storeGenerationImages(db, storage, generation, fetchImage, faces).catch(() => []);
  const pictures = await Promise.all(generation.imageUrls.map(async (url, i) => (keys[i] ? ((await storage.get(keys[i])) ?? url) : url)));
  return { generation, pictures, likeness: faces ? likenessShown(generation, faces.rules.matchDistance) : null };
}

/** The stored likeness of a generation's picture, as its caption tells it; null when it was not measured. */
function likenessShown(generation: Generation, matchDistance: number): Likeness | null {
  if (generation.likenessStatus === 'no_face') return { score: null, flagged: true };
  if (generation.likenessStatus !== 'measured' || generation.likeness === null) return null;
  return { score: generation.likeness, flagged: generation.likeness < likenessOf(matchDistance) };
}
