import { and, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { avatars, generations } from '../../db/schema.js';
import { GENERATION_IN_FLIGHT } from '../avatar-lifecycle.js';
import type { Avatar } from '../avatars.js';

export type Generation = typeof generations.$inferSelect;

export type OwnedGeneration = { ok: true; generation: Generation; avatar: Avatar } | { ok: false; reason: 'missing' | 'foreign' };

/** A generation with its avatar, if both exist and belong to the user: every button naming a generation goes through this. */
export async function findOwnedGeneration(db: Db, userId: number, generationId: string): Promise<OwnedGeneration> {
  const [row] = await db
    .select({ generation: generations, avatar: avatars })
    .from(generations)
    .innerJoin(avatars, eq(avatars.id, generations.avatarId))
    .where(eq(generations.id, generationId));
  if (!row) return { ok: false, reason: 'missing' };
  if (row.generation.userId !== userId) return { ok: false, reason: 'foreign' };
  return { ok: true, ...row };
}

export async function findGeneration(db: Db, generationId: string): Promise<Generation | null> {
  const [generation] = await db.select().from(generations).where(eq(generations.id, generationId));
  return generation ?? null;
}

export type HistoryOrder = 'date' | 'likeness';

/**
 * An avatar's completed generations for its history: newest first, or most alike
 * first (docs: README, Faces), unscored ones last; `offset` pages back through older ones.
 */
export async function generationHistory(db: Db, avatarId: string, order: HistoryOrder, limit = 10, offset = 0): Promise<Generation[]> {
  return db
    .select()
    .from(generations)
    .where(and(eq(generations.avatarId, avatarId), eq(generations.status, 'completed')))
    .orderBy(
      ...(order === 'likeness' ? [sql`${generations.likeness} desc nulls last`] : []),
      desc(generations.createdAt),
      desc(generations.id),
    )
    .limit(limit)
    .offset(offset);
}

/** Remembers the "Генерирую…" message of a generation. */
export async function noteProgressMessage(db: DbOrTx, generationId: string, messageId: number): Promise<void> {
  await db.update(generations).set({ progressMessageId: messageId }).where(eq(generations.id, generationId));
}

/** The "Генерирую…" message of a generation, once: whoever takes it removes it. */
export async function takeProgressMessage(db: DbOrTx, generationId: string): Promise<number | null> {
  const rows = await db.execute<{ message_id: string | null }>(sql`
    update ${generations} g set progress_message_id = null
    from (select id, progress_message_id from ${generations} where id = ${generationId} for update) old
    where g.id = old.id and old.progress_message_id is not null
    returning old.progress_message_id as message_id`);
  const id = rows.rows[0]?.message_id;
  return id ? Number(id) : null;
}

/** The user's own pictures in flight (a set's are not theirs to wait for). */
export async function generationsInFlight(db: Db, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(generations)
    .where(and(eq(generations.userId, userId), inArray(generations.status, [...GENERATION_IN_FLIGHT]), isNull(generations.setId)));
  return row?.n ?? 0;
}
