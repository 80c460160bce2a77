import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { generations, pictureSets } from '../../db/schema.js';
import { limiter } from '../../runtime/limiter.js';
import { newSubmitKey } from '../fal-jobs.js';
import type { Generation } from '../generation/queries.js';
import type { FormatName } from '../generation/request.js';
import { type GenerationDeps, submitGeneration } from '../generation/submission.js';
import { ALBUM_SIZE } from './progress.js';

/**
 * Pictures made and told about together (a preview, a welcome set, a photo
 * shoot): each is a generation carrying the set's id, submitted and completed
 * like any other (webhook or status check, once), but told about with its set —
 * progress as the pictures end, then albums of at most ten once all have.
 */

export type PictureSet = typeof pictureSets.$inferSelect;
type SetKind = PictureSet['kind'];

/** A set's submits at once: twenty queue submits in flight do not wait on one another. */
const SUBMITS_AT_ONCE = 5;

export type NewSet = {
  userId: number;
  avatarId: string;
  kind: SetKind;
  themeId: string | null;
  dedupeKey: string;
  price: number;
  format: FormatName;
  pictures: { prompt: string; fullPrompt: string; modelId: string; referenceUrl?: string | null }[];
};

/** Records a set and its pictures, to submit; null when the set was made already (its dedupe key). */
export async function createSet(tx: DbOrTx, input: NewSet): Promise<PictureSet | null> {
  const [set] = await tx
    .insert(pictureSets)
    .values({
      userId: input.userId,
      avatarId: input.avatarId,
      kind: input.kind,
      themeId: input.themeId,
      dedupeKey: input.dedupeKey,
      total: input.pictures.length,
      price: input.price,
    })
    .onConflictDoNothing()
    .returning();
  if (!set) return null;
  await tx.insert(generations).values(
    input.pictures.map((p, i) => ({
      avatarId: input.avatarId,
      userId: input.userId,
      prompt: p.prompt,
      fullPrompt: p.fullPrompt,
      modelId: p.modelId,
      format: input.format,
      submitKey: newSubmitKey(),
      setId: set.id,
      setPosition: i + 1,
      referenceUrl: p.referenceUrl ?? null,
    })),
  );
  return set;
}

/**
 * Submits the set's pictures nobody submitted yet, a few at a time. Each is
 * claimed first, so two callers (the bot and the status check, two instances)
 * never submit one twice; one whose submit fails is failed and told with its set.
 */
export async function submitSet(deps: GenerationDeps, setId: string): Promise<number> {
  const claimed = await deps.db
    .update(generations)
    .set({ submittedAt: new Date() })
    .where(and(eq(generations.setId, setId), eq(generations.status, 'pending'), isNull(generations.submittedAt)))
    .returning({ id: generations.id });
  const slot = limiter(SUBMITS_AT_ONCE);
  await Promise.all(
    claimed.map(({ id }) =>
      slot(() =>
        submitGeneration(deps, id).catch((error: unknown) => {
          deps.logger.error({ err: error, generation_id: id, set_id: setId }, 'set picture submission failed');
        }),
      ),
    ),
  );
  return claimed.length;
}

/** Sets with pictures never submitted (a crash between recording and submitting): the status check submits them. */
export async function setsToSubmit(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ setId: generations.setId })
    .from(generations)
    .where(and(eq(generations.status, 'pending'), isNull(generations.submittedAt), sql`${generations.setId} is not null`));
  return rows.map((r) => r.setId!);
}

export async function findSet(db: DbOrTx, setId: string): Promise<PictureSet | null> {
  const [set] = await db.select().from(pictureSets).where(eq(pictureSets.id, setId));
  return set ?? null;
}

/** The set's finished pictures in order; `album` picks its n-th ten. */
export async function setPictures(db: DbOrTx, setId: string, album?: number): Promise<Generation[]> {
  const done = await db
    .select()
    .from(generations)
    .where(and(eq(generations.setId, setId), eq(generations.status, 'completed')))
    .orderBy(asc(generations.setPosition));
  return album === undefined ? done : done.slice(album * ALBUM_SIZE, (album + 1) * ALBUM_SIZE);
}

/** The user's 👍 (1) or 👎 (-1) of one of their set's pictures; the latest tap counts. */
export async function votePicture(db: DbOrTx, generationId: string, vote: 1 | -1): Promise<boolean> {
  const rows = await db
    .update(generations)
    .set({ vote })
    .where(and(eq(generations.id, generationId), sql`${generations.setId} is not null`))
    .returning({ id: generations.id });
  return rows.length === 1;
}
