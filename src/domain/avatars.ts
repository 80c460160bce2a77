import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.js';
import { avatarPhotos, avatars, storageDeletions, users } from '../db/schema.js';
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

/**
 * Deletes the avatar for good (invariant 6): its row, and with it its photos and
 * generations; main moves to the user's latest other completed avatar (or is
 * cleared); then every stored file under its prefix. A storage failure does not
 * bring the avatar back: the prefix is recorded and the status checker retries it.
 */
export async function deleteAvatar(db: Db, storage: Storage, avatarId: string): Promise<Avatar | null> {
  const deleted = await db.transaction(async (tx) => {
    const [avatar] = await tx.delete(avatars).where(eq(avatars.id, avatarId)).returning();
    if (!avatar) return null;
    const [next] = await tx
      .select({ id: avatars.id })
      .from(avatars)
      .where(and(eq(avatars.userId, avatar.userId), eq(avatars.status, 'completed')))
      .orderBy(desc(avatars.trainingFinishedAt))
      .limit(1);
    await tx
      .update(users)
      .set({ mainAvatarId: next?.id ?? null })
      .where(and(eq(users.id, avatar.userId), sql`${users.mainAvatarId} is null`));
    return avatar;
  });
  if (!deleted) return null;
  await deleteStoredFiles(db, storage, avatarPrefix(avatarId));
  return deleted;
}

async function deleteStoredFiles(db: Db, storage: Storage, prefix: string): Promise<void> {
  try {
    await storage.deleteByPrefix(prefix);
  } catch (error) {
    await db
      .insert(storageDeletions)
      .values({ prefix, attempts: 1, lastError: (error as Error).message })
      .onConflictDoUpdate({
        target: storageDeletions.prefix,
        set: { attempts: sql`${storageDeletions.attempts} + 1`, lastError: (error as Error).message },
      });
  }
}

/** Retries the file deletions that failed; returns how many prefixes are now clean. */
export async function retryStorageDeletions(db: Db, storage: Storage): Promise<number> {
  const pending = await db.select().from(storageDeletions).limit(100);
  let done = 0;
  for (const { prefix } of pending) {
    try {
      await storage.deleteByPrefix(prefix);
      await db.delete(storageDeletions).where(eq(storageDeletions.prefix, prefix));
      done += 1;
    } catch (error) {
      await db
        .update(storageDeletions)
        .set({ attempts: sql`${storageDeletions.attempts} + 1`, lastError: (error as Error).message })
        .where(eq(storageDeletions.prefix, prefix));
    }
  }
  return done;
}
