import type { Readable } from 'node:stream';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { avatars, generations } from '../../db/schema.js';
import type { Storage } from '../../storage/storage.js';
import { avatarPrefix } from '../avatars.js';
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
): Promise<string[]> {
  if (generation.storageKeys.length === generation.imageUrls.length) return generation.storageKeys;
  const keys: string[] = [];
  for (const [i, url] of generation.imageUrls.entries()) {
    const key = `${avatarPrefix(generation.avatarId)}generations/${generation.id}/${i + 1}.jpg`;
    await storage.put(key, await fetchImage(url), { contentType: 'image/jpeg' });
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
): Promise<{ generation: Generation; pictures: GenerationPicture[] } | null> {
  const generation = await findGeneration(db, generationId);
  if (!generation) return null;
  const keys = await storeGenerationImages(db, storage, generation, fetchImage).catch(() => []);
  const pictures = await Promise.all(generation.imageUrls.map(async (url, i) => (keys[i] ? ((await storage.get(keys[i])) ?? url) : url)));
  return { generation, pictures };
}
