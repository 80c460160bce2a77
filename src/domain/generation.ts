import type { FalClient } from '@fal-ai/client';
import { ApiError } from '@fal-ai/client';
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db, DbOrTx } from '../db/client.js';
import { avatars, generations, users } from '../db/schema.js';
import type { Storage } from '../storage/storage.js';
import { type Avatar, avatarPrefix } from './avatars.js';
import { enqueueNotification, type GenerationFailure } from './notifications.js';

export type Generation = typeof generations.$inferSelect;

/** Picture formats offered before the prompt, and what each model calls them. */
export const FORMATS = {
  portrait: { imageSize: 'portrait_4_3', aspectRatio: '3:4' },
  square: { imageSize: 'square_hd', aspectRatio: '1:1' },
  story: { imageSize: 'portrait_16_9', aspectRatio: '9:16' },
  cinema: { imageSize: 'landscape_16_9', aspectRatio: '16:9' },
} as const;
export type FormatName = keyof typeof FORMATS;
export const isFormat = (value: unknown): value is FormatName => typeof value === 'string' && Object.hasOwn(FORMATS, value);

export const PROMPT_MAX = 1000;

export type Readiness = 'ready' | 'not_trained' | 'no_model';

/** Only a completed avatar with a LoRA file or a finetune id can draw. */
export function readinessOf(avatar: Avatar): Readiness {
  if (avatar.status !== 'completed') return 'not_trained';
  return avatar.diffusersLoraFileUrl || avatar.finetuneId ? 'ready' : 'no_model';
}

/**
 * The prompt as sent: the avatar's trigger is added once — not again when the
 * user typed it. A portrait names its subject with the trigger and the gender.
 */
export function promptWithTrigger(avatar: Pick<Avatar, 'triggerPhrase' | 'trainingType' | 'gender'>, prompt: string): string {
  const trigger = avatar.triggerPhrase;
  const text = prompt.trim();
  if (!trigger || text.toLowerCase().includes(trigger.toLowerCase())) return text;
  if (avatar.trainingType === 'style') return `${text}, in the style of ${trigger}`;
  const subject = avatar.gender === 'male' ? 'man' : avatar.gender === 'female' ? 'woman' : 'person';
  return `${trigger} ${subject}, ${text}`;
}

type GenerationConfig = Pick<Config, 'fal' | 'generation' | 'publicUrl'>;

/** The model and its input for one picture of this avatar (shared/notes/fal.md). */
export function generationRequest(config: GenerationConfig, avatar: Avatar, fullPrompt: string, format: FormatName) {
  const f = FORMATS[format];
  if (avatar.finetuneId) {
    return {
      modelId: config.fal.models.finetuneGenerator,
      input: {
        prompt: fullPrompt,
        finetune_id: avatar.finetuneId,
        finetune_strength: config.generation.finetuneStrength,
        aspect_ratio: f.aspectRatio,
        num_images: 1,
        output_format: 'jpeg',
        safety_tolerance: '2',
      },
    };
  }
  return {
    modelId: config.fal.models.loraGenerator,
    input: {
      prompt: fullPrompt,
      loras: [{ path: avatar.diffusersLoraFileUrl, scale: config.generation.loraScale }],
      image_size: f.imageSize,
      num_inference_steps: 28,
      guidance_scale: 3.5,
      num_images: 1,
      enable_safety_checker: true,
      output_format: 'jpeg',
    },
  };
}

export type StartResult = { ok: true; generation: Generation } | { ok: false; reason: 'busy' | Exclude<Readiness, 'ready'> };

/**
 * Records a generation to submit, unless the user already has as many in
 * flight as allowed: the count is taken under the user's row lock, so two
 * prompts sent at once cannot both pass.
 */
export async function startGeneration(
  db: Db,
  config: GenerationConfig,
  input: { userId: number; avatar: Avatar; prompt: string; format: FormatName },
): Promise<StartResult> {
  const readiness = readinessOf(input.avatar);
  if (readiness !== 'ready') return { ok: false, reason: readiness };
  return db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).for('update');
    const [running] = await tx
      .select({ n: count() })
      .from(generations)
      .where(and(eq(generations.userId, input.userId), inArray(generations.status, ['pending', 'running'])));
    if ((running?.n ?? 0) >= config.generation.maxRunningPerUser) return { ok: false, reason: 'busy' };
    const fullPrompt = promptWithTrigger(input.avatar, input.prompt);
    const { modelId } = generationRequest(config, input.avatar, fullPrompt, input.format);
    const [generation] = await tx
      .insert(generations)
      .values({ avatarId: input.avatar.id, userId: input.userId, prompt: input.prompt.trim(), fullPrompt, modelId, format: input.format })
      .returning();
    await tx.update(users).set({ generationFormat: input.format }).where(eq(users.id, input.userId));
    return { ok: true, generation: generation! };
  });
}

export type GenerationDeps = { db: Db; fal: FalClient; logger: Logger; config: GenerationConfig };

/**
 * Submits a recorded generation to the FAL queue with our webhook:
 * pending → running. A refused submit fails it (nothing is kept in the history)
 * and the user is told.
 */
export async function submitGeneration(deps: GenerationDeps, generationId: string): Promise<{ ok: boolean }> {
  const { db } = deps;
  const [row] = await db
    .select({ generation: generations, avatar: avatars })
    .from(generations)
    .innerJoin(avatars, eq(avatars.id, generations.avatarId))
    .where(and(eq(generations.id, generationId), eq(generations.status, 'pending')));
  if (!row) return { ok: false };
  const { generation, avatar } = row;
  const { modelId, input } = generationRequest(deps.config, avatar, generation.fullPrompt, generation.format as FormatName);
  try {
    const submitted = await deps.fal.queue.submit(modelId, { input, webhookUrl: `${deps.config.publicUrl}/webhooks/fal` });
    await db
      .update(generations)
      .set({
        status: 'running',
        falRequestId: submitted.request_id,
        falStatusUrl: submitted.status_url,
        falResponseUrl: submitted.response_url,
      })
      .where(and(eq(generations.id, generationId), eq(generations.status, 'pending')));
    return { ok: true };
  } catch (error) {
    const temporary = !(error instanceof ApiError && error.status >= 400 && error.status < 500);
    deps.logger.error({ err: error, generation_id: generationId, temporary }, 'generation submission failed');
    await failGeneration(db, generationId, `submit failed: ${(error as Error).message}`.slice(0, 2000), 'provider_error');
    return { ok: false };
  }
}

export type GenerationOutcome =
  | { kind: 'images'; urls: string[]; seed: number | null; raw: unknown }
  | { kind: 'failed'; code: GenerationFailure; reason: string; raw: unknown };

/** FAL's image output (`{ images: [{ url }], seed, has_nsfw_concepts }`): flagged images are dropped. */
export function normalizeGenerationOutput(output: unknown): GenerationOutcome {
  const o = output as { images?: unknown; seed?: unknown; has_nsfw_concepts?: unknown } | null;
  if (typeof o !== 'object' || o === null || !Array.isArray(o.images)) {
    return { kind: 'failed', code: 'invalid_result', reason: 'result has no images array', raw: output };
  }
  const nsfw = Array.isArray(o.has_nsfw_concepts) ? o.has_nsfw_concepts : [];
  const urls = o.images.flatMap((image: unknown, i) => {
    const url = (image as { url?: unknown } | null)?.url;
    return typeof url === 'string' && /^https?:\/\//.test(url) && nsfw[i] !== true ? [url] : [];
  });
  if (urls.length > 0) return { kind: 'images', urls, seed: typeof o.seed === 'number' ? o.seed : null, raw: output };
  if (nsfw.some((flag) => flag === true)) return { kind: 'failed', code: 'nsfw', reason: 'flagged by the safety checker', raw: output };
  return { kind: 'failed', code: 'invalid_result', reason: 'result has no image URL', raw: output };
}

export function normalizeGenerationWebhook(body: unknown): GenerationOutcome {
  const b = body as { status?: unknown; payload?: unknown; error?: unknown; payload_error?: unknown } | null;
  if (b?.status === 'OK') return normalizeGenerationOutput(b.payload);
  const detail = [b?.error, b?.payload_error].find((e) => typeof e === 'string');
  return {
    kind: 'failed',
    code: 'provider_error',
    reason: `FAL reported ${String(b?.status ?? 'no status')}${detail ? `: ${detail}` : ''}`,
    raw: body,
  };
}

export async function failGeneration(db: Db, generationId: string, reason: string, code: GenerationFailure) {
  await db.transaction(async (tx) => {
    const [failed] = await tx
      .update(generations)
      .set({ status: 'failed', error: reason, finishedAt: new Date() })
      .where(and(eq(generations.id, generationId), inArray(generations.status, ['pending', 'running'])))
      .returning();
    if (failed) await notifyGeneration(tx, failed, code);
  });
}

async function notifyGeneration(tx: DbOrTx, generation: Generation, failure?: GenerationFailure) {
  const [owner] = await tx
    .select({ chatId: users.chatId, languageCode: users.languageCode, avatarName: avatars.name })
    .from(users)
    .innerJoin(avatars, eq(avatars.id, generation.avatarId))
    .where(eq(users.id, generation.userId));
  if (!owner) return;
  const common = { generationId: generation.id, avatarName: owner.avatarName, languageCode: owner.languageCode };
  await enqueueNotification(tx, {
    chatId: owner.chatId,
    dedupeKey: `generation:${generation.id}`,
    payload: failure ? { type: 'generation_failed', ...common, code: failure } : { type: 'generation_completed', ...common },
  });
}

/**
 * Ends a generation once, by its request id — the same conditional-update and
 * outbox pattern as a training's completion.
 */
export async function completeGeneration(db: Db, requestId: string, outcome: GenerationOutcome): Promise<Generation | null> {
  return db.transaction(async (tx) => {
    const [generation] = await tx
      .update(generations)
      .set(
        outcome.kind === 'images'
          ? { status: 'completed', imageUrls: outcome.urls, seed: outcome.seed, finishedAt: new Date() }
          : { status: 'failed', error: outcome.reason, finishedAt: new Date() },
      )
      .where(and(eq(generations.falRequestId, requestId), eq(generations.status, 'running')))
      .returning();
    if (!generation) return null;
    await notifyGeneration(tx, generation, outcome.kind === 'failed' ? outcome.code : undefined);
    return generation;
  });
}

/**
 * Copies a completed generation's pictures from FAL into storage under the
 * avatar's prefix, so its history outlives FAL's URLs and deleting the avatar
 * removes them. Idempotent: the keys are fixed by the generation.
 */
export async function storeGenerationImages(
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
