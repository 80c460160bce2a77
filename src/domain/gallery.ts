import { and, asc, desc, eq, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { avatarPhotos, avatars, generations, users } from '../db/schema.js';
import type { FalAnswer, FalHttp } from '../fal/fal-http.js';
import { type Avatar, UNFINISHED } from './avatars.js';

export type AvatarCard = Avatar & { photos: number; generations: number; isMain: boolean };

/** The user's avatars in creation order, with what their cards show. */
export async function listAvatarCards(db: Db, userId: number): Promise<AvatarCard[]> {
  const rows = await db
    .select({
      avatar: avatars,
      photos: sql<number>`(select count(*)::int from ${avatarPhotos} where ${avatarPhotos.avatarId} = ${avatars.id})`,
      generations: sql<number>`(select count(*)::int from ${generations} where ${generations.avatarId} = ${avatars.id} and ${generations.status} = 'completed')`,
      isMain: sql<boolean>`${users.mainAvatarId} is not distinct from ${avatars.id}`,
    })
    .from(avatars)
    .innerJoin(users, eq(users.id, avatars.userId))
    .where(eq(avatars.userId, userId))
    .orderBy(asc(avatars.createdAt), asc(avatars.id));
  return rows.map((r) => ({ ...r.avatar, photos: r.photos, generations: r.generations, isMain: r.isMain }));
}

/** Makes the avatar the user's one main avatar; not for avatars still being put together. */
export async function setMainAvatar(db: Db, userId: number, avatarId: string): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ mainAvatarId: avatarId, updatedAt: new Date() })
    .where(
      and(
        eq(users.id, userId),
        sql`exists (select 1 from ${avatars} where ${avatars.id} = ${avatarId} and ${avatars.userId} = ${userId} and ${notInArray(avatars.status, [...UNFINISHED])})`,
      ),
    )
    .returning({ id: users.id });
  return rows.length === 1;
}

export async function renameAvatar(db: Db, avatarId: string, name: string): Promise<void> {
  await db.update(avatars).set({ name, updatedAt: new Date() }).where(eq(avatars.id, avatarId));
}

/** The latest generations of an avatar, newest first. */
export async function latestGenerations(db: Db, avatarId: string, limit = 10) {
  return db.select().from(generations).where(eq(generations.avatarId, avatarId)).orderBy(desc(generations.createdAt)).limit(limit);
}

export type StopResult = 'stopped' | 'too_late' | 'unreachable';

/**
 * Cancels a running training at FAL (its cancel URL), then marks it cancelled.
 * FAL refusing (the job is finishing) leaves it to complete normally; FAL not
 * answering changes nothing, so the user can try again.
 */
export async function stopTraining(db: Db, falHttp: FalHttp, avatar: Avatar): Promise<StopResult> {
  if (avatar.status !== 'training' || !avatar.falCancelUrl) return 'too_late';
  let answer: FalAnswer;
  try {
    answer = await falHttp.put(avatar.falCancelUrl);
  } catch {
    return 'unreachable';
  }
  if (answer.status >= 500) return 'unreachable';
  if (answer.status >= 400) return 'too_late';
  const rows = await db
    .update(avatars)
    .set({ status: 'cancelled', error: 'cancelled by the user', trainingFinishedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(avatars.id, avatar.id), eq(avatars.status, 'training')))
    .returning({ id: avatars.id });
  return rows.length === 1 ? 'stopped' : 'too_late';
}
