import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { avatars, generations, users } from '../../db/schema.js';
import type { FalHttp } from '../../fal/fal-http.js';
import { GENERATION_IN_FLIGHT } from '../avatar-lifecycle.js';
import type { Avatar } from '../avatars.js';
import { chargeGeneration } from '../billing/charges.js';
import { lockUser } from '../billing/ledger.js';
import { newSubmitKey, submitJob, webhookUrlFor } from '../fal-jobs.js';
import { applyPendingWebhookEvents } from '../fal-webhooks/apply.js';
import { checkBalance, type Refusal } from '../limits.js';
import { type LoraDeps, usableLoraUrl } from '../training/lora-copy.js';
import { failGeneration } from './completion.js';
import type { Generation } from './queries.js';
import {
  type FormatName,
  formatOr,
  type GenerationConfig,
  generationRequest,
  previewRequest,
  promptWithTrigger,
  type Readiness,
  readinessOf,
} from './request.js';

export type StartResult =
  | { ok: true; generation: Generation }
  | { ok: false; reason: 'busy' | Exclude<Readiness, 'ready'> }
  | { ok: false; reason: 'balance'; refusal: Refusal };

/**
 * Records a generation to submit and takes its price, unless the user already
 * has as many in flight as allowed or too few Stars: both are counted under the
 * user's row lock, so two prompts sent at once cannot both pass.
 */
export async function startGeneration(
  db: Db,
  config: GenerationConfig & Pick<Config, 'billing'>,
  input: {
    userId: number;
    avatar: Avatar;
    prompt: string;
    /** The assistant's English prompt (or an idea's); null draws the user's words. */
    englishPrompt: string | null;
    format: FormatName;
  },
): Promise<StartResult> {
  const readiness = readinessOf(input.avatar);
  if (readiness !== 'ready') return { ok: false, reason: readiness };
  return db.transaction(async (tx) => {
    await lockUser(tx, input.userId);
    const [running] = await tx
      .select({ n: count() })
      .from(generations)
      // A set's pictures (a preview, a shoot) are not the user's own prompts: they do not count here.
      .where(and(eq(generations.userId, input.userId), inArray(generations.status, [...GENERATION_IN_FLIGHT]), isNull(generations.setId)));
    if ((running?.n ?? 0) >= config.generation.maxRunningPerUser) return { ok: false, reason: 'busy' };
    const price = config.billing.priceGeneration;
    const refusal = await checkBalance(tx, input.userId, price, config);
    if (refusal) return { ok: false, reason: 'balance', refusal };
    const fullPrompt = promptWithTrigger(input.avatar, input.englishPrompt ?? input.prompt);
    const { modelId } = generationRequest(config, input.avatar, fullPrompt, input.format);
    const [generation] = await tx
      .insert(generations)
      .values({
        avatarId: input.avatar.id,
        userId: input.userId,
        prompt: input.prompt.trim(),
        englishPrompt: input.englishPrompt,
        fullPrompt,
        modelId,
        format: input.format,
        submitKey: newSubmitKey(),
      })
      .returning();
    await chargeGeneration(tx, { userId: input.userId, generationId: generation!.id, avatarName: input.avatar.name, price });
    await tx.update(users).set({ generationFormat: input.format }).where(eq(users.id, input.userId));
    return { ok: true, generation: generation! };
  });
}

export type GenerationDeps = LoraDeps & { falHttp: FalHttp; config: GenerationConfig };

/** The avatar as it draws: FAL may have deleted its LoRA file since the training, so our copy goes up again first. */
async function drawingAvatar(deps: GenerationDeps, avatar: Avatar): Promise<Avatar> {
  const loraUrl = await usableLoraUrl(deps, avatar).catch((error: unknown) => {
    deps.logger.error({ err: error, avatar_id: avatar.id }, 'could not make sure the LoRA still answers');
    return avatar.diffusersLoraFileUrl;
  });
  return { ...avatar, diffusersLoraFileUrl: loraUrl };
}

/**
 * Submits a recorded generation to the FAL queue, once, with our webhook:
 * pending → running; a webhook that beat the submit's answer is applied right
 * after. A refused submit fails it (nothing is kept in the history) and the
 * user is told. An unanswered one stays pending: if FAL queued it, its webhook
 * finds it by the attempt's key; if not, the checker fails it after
 * SUBMIT_STUCK_MINUTES. Either way the outbox may have a message to send.
 */
export async function submitGeneration(deps: GenerationDeps, generationId: string): Promise<{ ok: boolean }> {
  const { db } = deps;
  const [row] = await db
    .select({ generation: generations, avatar: avatars })
    .from(generations)
    .innerJoin(avatars, eq(avatars.id, generations.avatarId))
    .where(and(eq(generations.id, generationId), eq(generations.status, 'pending')));
  if (!row?.generation.submitKey) return { ok: false };
  const { generation, avatar } = row;
  const format = formatOr(generation.format);
  const { modelId, input } = generation.referenceUrl
    ? previewRequest(generation.modelId, generation.referenceUrl, generation.fullPrompt, format)
    : generationRequest(deps.config, await drawingAvatar(deps, avatar), generation.fullPrompt, format);
  const submitted = await submitJob(deps.falHttp, modelId, input, webhookUrlFor(deps.config.publicUrl, generation.submitKey!));
  if (!submitted.ok) {
    deps.logger.error({ generation_id: generationId, queued: submitted.queued, detail: submitted.detail }, 'generation submission failed');
    if (submitted.queued === false)
      await failGeneration(db, generationId, `submit failed: ${submitted.detail}`.slice(0, 2000), 'provider_error');
    return { ok: false };
  }
  const { job } = submitted;
  const attached = await db
    .update(generations)
    .set({ status: 'running', falRequestId: job.requestId, falStatusUrl: job.statusUrl, falResponseUrl: job.responseUrl })
    .where(and(eq(generations.id, generationId), eq(generations.status, 'pending')))
    .returning({ id: generations.id });
  if (attached.length === 0) {
    // The webhook came first and attached the job by its key: the URLs its check needs are still missing.
    await db
      .update(generations)
      .set({ falStatusUrl: job.statusUrl, falResponseUrl: job.responseUrl })
      .where(and(eq(generations.id, generationId), eq(generations.falRequestId, job.requestId), isNull(generations.falStatusUrl)));
  }
  await applyPendingWebhookEvents(deps, job.requestId);
  return { ok: true };
}
