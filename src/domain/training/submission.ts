import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FalClient } from '@fal-ai/client';
import { and, eq, isNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { avatars } from '../../db/schema.js';
import type { FalHttp } from '../../fal/fal-http.js';
import type { Storage } from '../../storage/storage.js';
import { TRANSITIONS } from '../avatar-lifecycle.js';
import { type Avatar, inStatusFor, listPhotos } from '../avatars.js';
import { chargeTrainingRun, releaseTrainingRun } from '../billing/charges.js';
import { lockUser, type Receipt, receiptOf, trainingChargeKey } from '../billing/ledger.js';
import { cancelFalJob, newSubmitKey, type SubmitResult, submitJob, webhookUrlFor } from '../fal-jobs.js';
import { applyPendingWebhookEvents } from '../fal-webhooks/apply.js';
import { checkBalance, checkTrainingLimits, type LimitsConfig, type Refusal } from '../limits.js';
import { zipPhotosToFile } from './photo-archive.js';
import { presetOf, trainingInput } from './presets.js';

export type SubmissionDeps = {
  db: Db;
  storage: Storage;
  fal: FalClient;
  falHttp: FalHttp;
  logger: Logger;
  config: Pick<Config, 'publicUrl' | 'fal' | 'training'>;
};

/** A trigger of our own per avatar, stored with it and sent to FAL as the trigger phrase/word. */
const newTriggerPhrase = () => `TOK_${randomBytes(4).toString('hex')}`;

export type BeginResult =
  /** `receipt`: what its price took and what is left; null when training is free. */
  | { ok: true; avatar: Avatar; receipt: Receipt | null }
  /** A limit or the balance stopped it; null: the avatar could not move (a double tap, a stale button). */
  | { ok: false; refusal: Refusal | null };

/**
 * The money-spending step starts once (TRANSITIONS.beginSubmission), however
 * often the button is pressed: under the user's row lock the limits and the
 * balance are checked, the avatar moves to submitting, the attempt is recorded
 * and its price taken — all or nothing. The trigger is fixed here and kept for
 * generation; a retry after a failure starts from a clean result.
 */
export async function beginSubmission(db: Db, avatarId: string, config: LimitsConfig): Promise<BeginResult> {
  return db.transaction(async (tx) => {
    const [owner] = await tx.select({ userId: avatars.userId }).from(avatars).where(eq(avatars.id, avatarId));
    if (!owner) return { ok: false, refusal: null };
    await lockUser(tx, owner.userId);
    const [current] = await tx.select({ id: avatars.id }).from(avatars).where(inStatusFor(avatarId, 'beginSubmission'));
    if (!current) return { ok: false, refusal: null };
    const price = config.billing.priceTraining;
    const refusal = (await checkTrainingLimits(tx, owner.userId, config)) ?? (await checkBalance(tx, owner.userId, price, config));
    if (refusal) return { ok: false, refusal };
    const submitKey = newSubmitKey();
    const [avatar] = await tx
      .update(avatars)
      .set({
        status: TRANSITIONS.beginSubmission.to,
        triggerPhrase: newTriggerPhrase(),
        submitKey,
        trainingPreset: config.training.preset,
        cancelRequestedAt: null,
        falProgress: null,
        checkFailures: 0,
        error: null,
        falRequestId: null,
        falResponse: null,
        diffusersLoraFileUrl: null,
        configFileUrl: null,
        finetuneId: null,
        trainingStartedAt: null,
        trainingFinishedAt: null,
        statusCheckedAt: null,
        updatedAt: new Date(),
      })
      .where(inStatusFor(avatarId, 'beginSubmission'))
      .returning();
    if (!avatar) return { ok: false, refusal: null };
    await chargeTrainingRun(tx, { userId: owner.userId, avatarId, avatarName: avatar.name, submitKey, price });
    return { ok: true, avatar, receipt: await receiptOf(tx, owner.userId, trainingChargeKey(submitKey)) };
  });
}

export type SubmitOutcome =
  /** `finishedEarly`: FAL's webhook had arrived before submit returned, and is now applied. */
  | { ok: true; avatar: Avatar; finishedEarly: boolean }
  /** `refunded`: the Stars its price gave back (0 when free). */
  | { ok: false; avatar: Avatar; temporary: boolean; refunded: number }
  /** The avatar was deleted (or taken over) while it was being submitted. */
  | { ok: false; avatar: null };

const trainerOf = (avatar: Avatar, models: Config['fal']['models']) =>
  avatar.trainingType === 'portrait' ? models.portraitTrainer : models.styleTrainer;

/**
 * Zips the photos from storage into a temporary file, uploads it to FAL
 * storage, submits the training once with our webhook, and records the
 * request: submitting → training. A refused or unanswered submit puts the
 * avatar back to ready with the error kept, photos untouched; if FAL did queue
 * the job after all, its webhook carries the attempt's key and finds the avatar
 * (domain/fal-webhooks/apply.ts) — the user never pays twice without pressing
 * retry themselves.
 */
export async function submitTraining(deps: SubmissionDeps, avatarId: string): Promise<SubmitOutcome> {
  const { db, config } = deps;
  const [avatar] = await db.select().from(avatars).where(inStatusFor(avatarId, 'attachSubmission'));
  if (!avatar?.triggerPhrase || !avatar.submitKey) return { ok: false, avatar: null };
  const log = deps.logger.child({ avatar_id: avatarId });
  const modelId = trainerOf(avatar, config.fal.models);
  const zipFile = path.join(os.tmpdir(), `avatar-${avatarId}-${randomBytes(4).toString('hex')}.zip`);

  let submitted: SubmitResult;
  try {
    await zipPhotosToFile(deps.storage, await listPhotos(db, avatarId), zipFile);
    // A file-backed Blob: the upload streams from disk instead of holding the zip in memory.
    const imagesUrl = await deps.fal.storage.upload(await openAsBlob(zipFile, { type: 'application/zip' }));
    const input = trainingInput({
      type: avatar.trainingType,
      preset: presetOf(avatar, config.training.preset),
      imagesUrl,
      trigger: avatar.triggerPhrase,
    });
    submitted = await submitJob(deps.falHttp, modelId, input, webhookUrlFor(config.publicUrl, avatar.submitKey));
  } catch (error) {
    // Zipping or the upload failed: nothing was submitted.
    submitted = { ok: false, queued: false, temporary: true, detail: (error as Error).message };
  } finally {
    await rm(zipFile, { force: true });
  }

  if (!submitted.ok) {
    log.error({ model: modelId, queued: submitted.queued, detail: submitted.detail }, 'training submission failed');
    const error = `submit failed: ${submitted.detail}`.slice(0, 2000);
    const abandoned = await db.transaction(async (tx) => {
      const [back] = await tx
        .update(avatars)
        .set({ status: TRANSITIONS.abandonSubmission.to, error, updatedAt: new Date() })
        .where(inStatusFor(avatarId, 'abandonSubmission'))
        .returning();
      return back ? { back, refunded: await releaseTrainingRun(tx, back.submitKey) } : null;
    });
    const temporary = submitted.queued === 'unknown' || submitted.temporary;
    return abandoned ? { ok: false, avatar: abandoned.back, temporary, refunded: abandoned.refunded } : { ok: false, avatar: null };
  }

  const { job } = submitted;
  const [training] = await db
    .update(avatars)
    .set({
      status: TRANSITIONS.attachSubmission.to,
      falRequestId: job.requestId,
      falModelId: modelId,
      falStatusUrl: job.statusUrl,
      falResponseUrl: job.responseUrl,
      falCancelUrl: job.cancelUrl,
      trainingStartedAt: new Date(),
      updatedAt: new Date(),
    })
    .where(and(inStatusFor(avatarId, 'attachSubmission'), isNull(avatars.falRequestId)))
    .returning();
  log.info({ fal_request_id: job.requestId, model: modelId, attached: Boolean(training) }, 'training submitted');
  if (training) {
    const early = await applyPendingWebhookEvents(deps, job.requestId);
    return { ok: true, avatar: training, finishedEarly: early.some((r) => r.applied) };
  }
  // The webhook may have come first and attached the job by its key: then it is ours, with its URLs to fill in.
  const [attached] = await db
    .update(avatars)
    .set({ falStatusUrl: job.statusUrl, falResponseUrl: job.responseUrl, falCancelUrl: job.cancelUrl, falModelId: modelId })
    .where(and(eq(avatars.id, avatarId), eq(avatars.falRequestId, job.requestId)))
    .returning();
  if (attached) return { ok: true, avatar: attached, finishedEarly: attached.status !== 'training' };
  // Deleted while we were submitting: nobody wants this training any more.
  const cancel = await cancelFalJob(deps.falHttp, job.cancelUrl);
  if (cancel !== 'requested') log.warn({ fal_request_id: job.requestId, cancel }, 'could not cancel the orphaned training');
  return { ok: false, avatar: null };
}
