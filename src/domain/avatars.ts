import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { avatarPhotos, avatars } from '../db/schema.js';
import type { Storage } from '../storage/storage.js';
import type { TrainingType } from './training-presets.js';

export type Avatar = typeof avatars.$inferSelect;
export type AvatarPhoto = typeof avatarPhotos.$inferSelect;

/** Statuses in which the avatar is still being put together by its owner. */
export const UNFINISHED = ['draft', 'photos_uploading', 'ready'] as const;

export const isUnfinished = (avatar: Pick<Avatar, 'status'>) => (UNFINISHED as readonly string[]).includes(avatar.status);

/** Everything stored for one avatar lives under this prefix. */
export const avatarPrefix = (avatarId: string) => `avatars/${avatarId}/`;

export async function createDraftAvatar(
  db: DbOrTx,
  input: { userId: number; name: string; type: TrainingType; gender: 'male' | 'female' | null },
): Promise<Avatar> {
  const [avatar] = await db
    .insert(avatars)
    .values({ userId: input.userId, name: input.name, trainingType: input.type, gender: input.gender })
    .returning();
  if (!avatar) throw new Error('avatar insert returned no row');
  return avatar;
}

export type OwnedAvatar = { ok: true; avatar: Avatar } | { ok: false; reason: 'missing' | 'foreign' };

/** The avatar if it exists and belongs to the user: every button naming an avatar goes through this. */
export async function findOwnedAvatar(db: DbOrTx, userId: number, avatarId: string): Promise<OwnedAvatar> {
  const [avatar] = await db.select().from(avatars).where(eq(avatars.id, avatarId));
  if (!avatar) return { ok: false, reason: 'missing' };
  if (avatar.userId !== userId) return { ok: false, reason: 'foreign' };
  return { ok: true, avatar };
}

/** The user's most recently touched avatar that is not submitted yet, with its photo count. */
export async function findUnfinishedAvatar(db: DbOrTx, userId: number): Promise<{ avatar: Avatar; photos: number } | null> {
  const [avatar] = await db
    .select()
    .from(avatars)
    .where(and(eq(avatars.userId, userId), inArray(avatars.status, [...UNFINISHED])))
    .orderBy(desc(avatars.updatedAt))
    .limit(1);
  return avatar ? { avatar, photos: await countPhotos(db, avatar.id) } : null;
}

export async function countPhotos(db: DbOrTx, avatarId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(avatarPhotos).where(eq(avatarPhotos.avatarId, avatarId));
  return row?.n ?? 0;
}

export async function listPhotos(db: DbOrTx, avatarId: string): Promise<AvatarPhoto[]> {
  return db.select().from(avatarPhotos).where(eq(avatarPhotos.avatarId, avatarId)).orderBy(asc(avatarPhotos.position));
}

/** draft | photos_uploading → ready, only with at least `minPhotos` photos. */
export async function markReady(db: DbOrTx, avatarId: string, minPhotos: number): Promise<Avatar | null> {
  const [avatar] = await db
    .update(avatars)
    .set({ status: 'ready', updatedAt: new Date() })
    .where(
      and(
        eq(avatars.id, avatarId),
        inArray(avatars.status, ['draft', 'photos_uploading']),
        sql`(select count(*) from ${avatarPhotos} where ${avatarPhotos.avatarId} = ${avatarId}) >= ${minPhotos}`,
      ),
    )
    .returning();
  return avatar ?? null;
}

/** ready → photos_uploading: back from the review to the upload. */
export async function reopenUpload(db: DbOrTx, avatarId: string): Promise<Avatar | null> {
  const [avatar] = await db
    .update(avatars)
    .set({ status: 'photos_uploading', updatedAt: new Date() })
    .where(and(eq(avatars.id, avatarId), eq(avatars.status, 'ready')))
    .returning();
  return avatar ?? null;
}

/** Deletes the avatar's rows (photos and generations cascade) and then every stored file under its prefix. */
export async function deleteAvatar(db: DbOrTx, storage: Storage, avatarId: string): Promise<boolean> {
  const deleted = await db.delete(avatars).where(eq(avatars.id, avatarId)).returning({ id: avatars.id });
  if (deleted.length === 0) return false;
  await storage.deleteByPrefix(avatarPrefix(avatarId));
  return true;
}
