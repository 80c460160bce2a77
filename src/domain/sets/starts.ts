import { and, asc, count, desc, eq, gt, sql } from 'drizzle-orm';
import type { Config } from '../../config.js';
import { avatarPhotos, avatars, generations, pictureSets } from '../../db/schema.js';
import type { Avatar } from '../avatars.js';
import { addEntry, lockUser, shootChargeKey } from '../billing/ledger.js';
import { failGeneration } from '../generation/completion.js';
import { generationRequest, promptWithTrigger, readinessOf } from '../generation/request.js';
import type { GenerationDeps } from '../generation/submission.js';
import { checkBalance, type Refusal } from '../limits.js';
import { findTheme, promptsFor, starterTheme } from './catalog.js';
import { createSet, type PictureSet, setsToSubmit, submitSet } from './sets.js';

/**
 * How sets start: the preview while a portrait trains, the welcome set once
 * an avatar is ready (both once per training attempt, by its submit key, free:
 * part of the training's price), and a photo shoot the user buys.
 */

export type SetDeps = GenerationDeps & { config: GenerationDeps['config'] & Pick<Config, 'sets' | 'billing'> };

const subjectOf = (avatar: Pick<Avatar, 'gender'>) => (avatar.gender === 'male' ? 'man' : avatar.gender === 'female' ? 'woman' : 'person');

/**
 * Two pictures (PREVIEW_PICTURES) of a portrait in training, drawn by a
 * zero-shot identity model from its best photo — the largest face — so there
 * is something to look at while it trains. Once per attempt; a failure is
 * quiet (the real avatar is coming) and never retried.
 */
export async function startPreview(deps: SetDeps, avatarId: string): Promise<PictureSet | null> {
  const { db, config } = deps;
  const wanted = config.sets.previewPictures;
  const [avatar] = await db
    .select()
    .from(avatars)
    .where(and(eq(avatars.id, avatarId), eq(avatars.status, 'training')));
  if (wanted === 0 || !avatar?.submitKey || avatar.trainingType !== 'portrait') return null;
  const theme = await starterTheme(db, avatar);
  const [best] = await db
    .select()
    .from(avatarPhotos)
    .where(eq(avatarPhotos.avatarId, avatarId))
    .orderBy(sql`${avatarPhotos.faceSize} desc nulls last`, asc(avatarPhotos.position))
    .limit(1);
  if (!theme || !best) return null;
  // Made first, so it is made once: its dedupe key is the training attempt's.
  const set = await db.transaction((tx) =>
    createSet(tx, {
      userId: avatar.userId,
      avatarId,
      kind: 'preview',
      themeId: theme.id,
      dedupeKey: `preview:${avatar.submitKey}`,
      price: 0,
      format: 'portrait',
      pictures: promptsFor(theme, avatar)
        .slice(0, wanted)
        .map((p) => {
          const prompt = `photo of a ${subjectOf(avatar)}, ${p}`;
          return { prompt, fullPrompt: prompt, modelId: config.sets.previewModel };
        }),
    }),
  );
  if (!set) return null;
  try {
    const photo = await deps.storage.get(best.storageKey);
    if (!photo) throw new Error(`photo ${best.storageKey} is missing from storage`);
    const chunks: Buffer[] = [];
    for await (const chunk of photo) chunks.push(chunk as Buffer);
    const referenceUrl = await deps.falFiles.uploadBytes(Buffer.concat(chunks), 'image/jpeg');
    await db.update(generations).set({ referenceUrl }).where(eq(generations.setId, set.id));
  } catch (error) {
    // No reference, no preview: its pictures end now, and the set with them, quietly.
    deps.logger.warn({ err: error, avatar_id: avatarId }, 'preview not drawn: its reference photo could not be uploaded');
    for (const { id } of await db.select({ id: generations.id }).from(generations).where(eq(generations.setId, set.id))) {
      await failGeneration(db, id, `reference upload failed: ${(error as Error).message}`.slice(0, 2000), 'provider_error');
    }
    return set;
  }
  await submitSet(deps, set.id);
  return set;
}

/** The welcome set (WELCOME_PICTURES) of an avatar just trained: once per attempt, free. */
async function startWelcome(deps: SetDeps, avatarId: string): Promise<PictureSet | null> {
  const { db, config } = deps;
  const wanted = config.sets.welcomePictures;
  const [avatar] = await db.select().from(avatars).where(eq(avatars.id, avatarId));
  if (wanted === 0 || !avatar?.submitKey || readinessOf(avatar) !== 'ready') return null;
  const theme = await starterTheme(db, avatar);
  if (!theme) return null;
  const prompts = promptsFor(theme, avatar).slice(0, wanted);
  const { modelId } = generationRequest(config, avatar, '', 'portrait');
  const set = await db.transaction((tx) =>
    createSet(tx, {
      userId: avatar.userId,
      avatarId,
      kind: 'welcome',
      themeId: theme.id,
      dedupeKey: `welcome:${avatar.submitKey}`,
      price: 0,
      format: 'portrait',
      pictures: prompts.map((prompt) => ({ prompt, fullPrompt: promptWithTrigger(avatar, prompt), modelId })),
    }),
  );
  if (set) await submitSet(deps, set.id);
  return set;
}

/**
 * Avatars whose preview or welcome set should exist and does not: a crash
 * after the training was submitted or completed, before the set was made. The
 * status check makes them; the dedupe key keeps each to once.
 */
async function missingSets(deps: Pick<SetDeps, 'db' | 'config'>): Promise<{ previews: string[]; welcomes: string[] }> {
  const { db, config } = deps;
  const without = (kind: string) =>
    sql`not exists (select 1 from ${pictureSets} s where s.dedupe_key = ${kind} || ':' || ${avatars.submitKey})`;
  const recent = sql`now() - interval '30 minutes'`;
  const previews =
    config.sets.previewPictures > 0
      ? await db
          .select({ id: avatars.id })
          .from(avatars)
          .where(
            and(
              eq(avatars.status, 'training'),
              eq(avatars.trainingType, 'portrait'),
              gt(avatars.trainingStartedAt, recent),
              without('preview'),
            ),
          )
      : [];
  const welcomes =
    config.sets.welcomePictures > 0
      ? await db
          .select({ id: avatars.id })
          .from(avatars)
          .where(and(eq(avatars.status, 'completed'), gt(avatars.trainingFinishedAt, recent), without('welcome')))
      : [];
  return { previews: previews.map((a) => a.id), welcomes: welcomes.map((a) => a.id) };
}

export type ShootStart =
  | { ok: true; set: PictureSet }
  /** `duplicate`: this confirmation was tapped already. */
  | { ok: false; reason: 'busy' | 'unknown_theme' | 'not_ready' | 'duplicate' }
  | { ok: false; reason: 'refused'; refusal: Refusal };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Buys a photo shoot: one at a time per user and MAX_SHOOTS_PER_DAY_PER_USER a
 * day, counted under the user's row lock, its price (PRICE_SHOOT) taken once
 * for all its pictures in the transaction that records them. `tapKey` names the
 * confirmation tapped: a second tap on it starts nothing.
 */
export async function startShoot(
  deps: Pick<SetDeps, 'db' | 'config'>,
  input: { userId: number; avatar: Avatar; themeId: string; tapKey: string },
): Promise<ShootStart> {
  const { db, config } = deps;
  const { avatar } = input;
  if (readinessOf(avatar) !== 'ready') return { ok: false, reason: 'not_ready' };
  const theme = await findTheme(db, input.themeId);
  if (!theme?.listed || !theme.avatarTypes.includes(avatar.trainingType)) return { ok: false, reason: 'unknown_theme' };
  const { modelId } = generationRequest(config, avatar, '', 'portrait');
  return db.transaction(async (tx): Promise<ShootStart> => {
    await lockUser(tx, input.userId);
    const mine = and(eq(pictureSets.userId, input.userId), eq(pictureSets.kind, 'shoot'));
    const [running] = await tx
      .select({ n: count() })
      .from(pictureSets)
      .where(and(mine, eq(pictureSets.status, 'running')));
    if ((running?.n ?? 0) > 0) return { ok: false, reason: 'busy' };
    const today = await tx
      .select({ createdAt: pictureSets.createdAt })
      .from(pictureSets)
      .where(and(mine, gt(pictureSets.createdAt, new Date(Date.now() - DAY_MS))))
      .orderBy(desc(pictureSets.createdAt));
    if (today.length >= config.sets.shootsPerDay) {
      const oldest = today.at(-1)!.createdAt;
      return {
        ok: false,
        reason: 'refused',
        refusal: { reason: 'daily', max: config.sets.shootsPerDay, freesAt: new Date(oldest.getTime() + DAY_MS) },
      };
    }
    const price = config.billing.priceShoot;
    const refusal = await checkBalance(tx, input.userId, price, config);
    if (refusal) return { ok: false, reason: 'refused', refusal };
    const set = await createSet(tx, {
      userId: input.userId,
      avatarId: avatar.id,
      kind: 'shoot',
      themeId: theme.id,
      dedupeKey: `shoot:${input.tapKey}`,
      price,
      format: 'portrait',
      pictures: promptsFor(theme, avatar).map((prompt) => ({ prompt, fullPrompt: promptWithTrigger(avatar, prompt), modelId })),
    });
    if (!set) return { ok: false, reason: 'duplicate' };
    if (price > 0) {
      await addEntry(tx, { userId: input.userId, key: shootChargeKey(set.id), kind: 'shoot', amount: -price, note: theme.titleRu });
    }
    return { ok: true, set };
  });
}

/**
 * Makes what a crash (or a webhook applied elsewhere) left unmade: previews of
 * trainings, welcome sets of avatars just ready, and set pictures never
 * submitted. Each start is isolated: one failing leaves the others.
 */
export async function startMissingSets(deps: SetDeps): Promise<number> {
  const { previews, welcomes } = await missingSets(deps);
  const starts = [
    ...previews.map((id) => () => startPreview(deps, id)),
    ...welcomes.map((id) => () => startWelcome(deps, id)),
    ...(await setsToSubmit(deps.db)).map((id) => () => submitSet(deps, id)),
  ];
  let started = 0;
  for (const start of starts) {
    try {
      if (await start()) started += 1;
    } catch (error) {
      deps.logger.error({ err: error }, 'a picture set could not be started; the next status check tries again');
    }
  }
  return started;
}

/** Remembers the shoot's "12/20" message. */
export async function noteSetProgressMessage(deps: Pick<SetDeps, 'db'>, setId: string, messageId: number): Promise<void> {
  await deps.db.update(pictureSets).set({ progressMessageId: messageId }).where(eq(pictureSets.id, setId));
}
