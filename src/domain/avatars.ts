import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.js';
import { avatarPhotos, avatars, generations, users } from '../db/schema.js';
import type { FalHttp } from '../fal/fal-http.js';
import type { Storage } from '../storage/storage.js';
import { MAIN_STATUS, TRANSITIONS, type TransitionName, UNFINISHED } from './avatar-lifecycle.js';
import { releaseTrainingRun } from './billing/charges.js';
import { lockUser, outstandingCharge, trainingChargeKey } from './billing/ledger.js';
import { type CancelResult, cancelFalJob } from './fal-jobs.js';
import { type AvatarRefusal, checkAvatarLimit } from './limits.js';
import { refundUnfinishedShoots } from './sets/progress.js';
import { deleteStoredFiles } from './storage-deletions.js';
import type { TrainingType } from './training/presets.js';

export type Avatar = typeof avatars.$inferSelect;
export type AvatarPhoto = typeof avatarPhotos.$inferSelect;

/** Everything stored for one avatar lives under this prefix. */
export const avatarPrefix = (avatarId: string) => `avatars/${avatarId}/`;

/** The WHERE of a conditional status move: this avatar, in one of the transition's source statuses. */
export const inStatusFor = (avatarId: string, transition: TransitionName) =>
  and(eq(avatars.id, avatarId), inArray(avatars.status, [...TRANSITIONS[transition].from]));

export type DraftResult = { ok: true; avatar: Avatar } | { ok: false; refusal: AvatarRefusal };

/** A new draft, unless the user has `maxAvatars` already (drafts count): counted under the user's row lock. */
export async function createDraftAvatar(
  db: Db,
  input: { userId: number; name: string; type: TrainingType; gender: 'male' | 'female' | null },
  maxAvatars: number,
): Promise<DraftResult> {
  return db.transaction(async (tx) => {
    await lockUser(tx, input.userId);
    const refusal = await checkAvatarLimit(tx, input.userId, maxAvatars);
    if (refusal) return { ok: false, refusal };
    const [avatar] = await tx
      .insert(avatars)
      .values({ userId: input.userId, name: input.name, trainingType: input.type, gender: input.gender })
      .returning();
    if (!avatar) throw new Error('avatar insert returned no row');
    return { ok: true, avatar };
  });
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

/**
 * Moves to ready, only with at least `minPhotos` photos and none flagged as
 * someone else. The avatar's row is locked first, as `addPhoto` locks it, so the
 * photos counted are those committed by then: a flag raised by a photo stored
 * while "✅ Готово" was pressed is seen (docs/invariants.md, No paid training on
 * a face in doubt).
 */
export async function markReady(db: DbOrTx, avatarId: string, minPhotos: number): Promise<Avatar | null> {
  return db.transaction(async (tx) => {
    await tx.select({ id: avatars.id }).from(avatars).where(eq(avatars.id, avatarId)).for('update');
    const [avatar] = await tx
      .update(avatars)
      .set({ status: TRANSITIONS.markReady.to, updatedAt: new Date() })
      .where(
        and(
          inStatusFor(avatarId, 'markReady'),
          sql`(select count(*) from ${avatarPhotos} where ${avatarPhotos.avatarId} = ${avatarId}) >= ${minPhotos}`,
          sql`not exists (select 1 from ${avatarPhotos} where ${avatarPhotos.avatarId} = ${avatarId} and ${avatarPhotos.faceStatus} = 'flagged')`,
        ),
      )
      .returning();
    return avatar ?? null;
  });
}

/** Back from the review to the upload. */
export async function reopenUpload(db: DbOrTx, avatarId: string): Promise<Avatar | null> {
  const [avatar] = await db
    .update(avatars)
    .set({ status: TRANSITIONS.reopenUpload.to, updatedAt: new Date() })
    .where(inStatusFor(avatarId, 'reopenUpload'))
    .returning();
  return avatar ?? null;
}

export type AvatarCard = Avatar & { photos: number; generations: number; isMain: boolean };

/** The user's avatars in creation order, with what their gallery cards show. */
export async function listAvatarCards(db: Db, userId: number): Promise<AvatarCard[]> {
  const rows = await db
    .select({
      avatar: avatars,
      photos: sql<number>`(select count(*)::int from ${avatarPhotos} where ${avatarPhotos.avatarId} = ${avatars.id})`,
      generations: sql<number>`(select count(*)::int from ${generations}
        where ${generations.avatarId} = ${avatars.id} and ${generations.status} = 'completed')`,
      isMain: sql<boolean>`${users.mainAvatarId} is not distinct from ${avatars.id}`,
    })
    .from(avatars)
    .innerJoin(users, eq(users.id, avatars.userId))
    .where(eq(avatars.userId, userId))
    .orderBy(asc(avatars.createdAt), asc(avatars.id));
  return rows.map((r) => ({ ...r.avatar, photos: r.photos, generations: r.generations, isMain: r.isMain }));
}

/** Makes the avatar the user's one main avatar, if it is trained (see canBeMain). */
export async function setMainAvatar(db: Db, userId: number, avatarId: string): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ mainAvatarId: avatarId, updatedAt: new Date() })
    .where(
      and(
        eq(users.id, userId),
        sql`exists (select 1 from ${avatars}
          where ${avatars.id} = ${avatarId} and ${avatars.userId} = ${userId} and ${avatars.status} = ${MAIN_STATUS})`,
      ),
    )
    .returning({ id: users.id });
  return rows.length === 1;
}

export async function renameAvatar(db: Db, avatarId: string, name: string): Promise<void> {
  await db.update(avatars).set({ name, updatedAt: new Date() }).where(eq(avatars.id, avatarId));
}

/** `refunded`: the Stars of a training in flight given back (it was still submitting, or FAL took its cancel). */
export type DeleteResult = { avatar: Avatar; cancel: CancelResult | null; refunded: number } | null;

/** What the user paid for the training in flight of an avatar (submitting or training), not refunded yet. */
export async function paidInFlight(db: DbOrTx, avatar: Pick<Avatar, 'status' | 'submitKey'>): Promise<number> {
  if (!(avatar.status === 'submitting' || avatar.status === 'training') || !avatar.submitKey) return 0;
  return outstandingCharge(db, trainingChargeKey(avatar.submitKey));
}

/**
 * Deletes the avatar for good (docs/invariants.md, "Delete is complete"): a
 * training still running is cancelled at FAL first, so nobody pays for it; then
 * its row goes, and with it its photos and generations; main moves to the user's
 * latest other completed avatar (or is cleared); then every stored file under its
 * prefix. A storage failure does not bring the avatar back: the prefix is
 * recorded and the status checker retries it.
 */
export async function deleteAvatar(deps: { db: Db; storage: Storage; falHttp: FalHttp }, avatar: Avatar): Promise<DeleteResult> {
  const { db } = deps;
  const cancel = avatar.status === 'training' && avatar.falCancelUrl ? await cancelFalJob(deps.falHttp, avatar.falCancelUrl) : null;
  const deleted = await db.transaction(async (tx) => {
    const [exists] = await tx.select({ id: avatars.id }).from(avatars).where(eq(avatars.id, avatar.id)).for('update');
    if (!exists) return null;
    // A shoot still running gives back what it has not drawn yet: its sets go with the avatar.
    const shootsRefunded = await refundUnfinishedShoots(tx, avatar.id);
    const [row] = await tx.delete(avatars).where(eq(avatars.id, avatar.id)).returning();
    if (!row) return null;
    // Its price comes back when nothing will be trained: the submit never got through, or FAL took the cancel.
    const stopped = row.status === 'submitting' || (row.status === 'training' && cancel === 'requested');
    const refunded = (stopped ? await releaseTrainingRun(tx, row.submitKey) : 0) + shootsRefunded;
    const [next] = await tx
      .select({ id: avatars.id })
      .from(avatars)
      .where(and(eq(avatars.userId, row.userId), eq(avatars.status, 'completed')))
      .orderBy(desc(avatars.trainingFinishedAt))
      .limit(1);
    await tx
      .update(users)
      .set({ mainAvatarId: next?.id ?? null })
      .where(and(eq(users.id, row.userId), sql`${users.mainAvatarId} is null`));
    return { row, refunded };
  });
  if (!deleted) return null;
  await deleteStoredFiles(db, deps.storage, avatarPrefix(avatar.id));
  return { avatar: deleted.row, cancel, refunded: deleted.refunded };
}
