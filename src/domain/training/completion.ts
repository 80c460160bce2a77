import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { type DbOrTx, inTransaction } from '../../db/client.js';
import { avatars, users } from '../../db/schema.js';
import { type AvatarStatus, TRANSITIONS } from '../avatar-lifecycle.js';
import { releaseTrainingRun } from '../billing/charges.js';
import { settleStoredEvent } from '../fal-webhooks/settle.js';
import { enqueueNotification } from '../notifications.js';
import type { TrainingOutcome } from './result.js';

export type CompletionResult = { applied: true; avatarId: string; status: 'completed' | 'failed' } | { applied: false };

/**
 * Ends a training, once (docs/invariants.md, "One completion per training").
 * Both the webhook and the status checker call this, keyed by the request id
 * submit returned ("Correlation by the submit request id"). In one
 * transaction: the conditional `training → completed | failed` update, the
 * first completed avatar becoming the user's main one, and the user's message
 * in the outbox (the webhook path marks its event applied, for trainings and
 * generations alike). If the update touches no row — a duplicate, a race lost,
 * a deleted avatar — nothing else happens.
 */
export async function completeTraining(db: DbOrTx, requestId: string, outcome: TrainingOutcome): Promise<CompletionResult> {
  return inTransaction(db, async (tx) => {
    const finishedAt = new Date();
    const [avatar] = await tx
      .update(avatars)
      .set(
        outcome.kind === 'failed'
          ? {
              // The user stopped it and FAL ended it without a result: cancelled, as they asked.
              status: sql<AvatarStatus>`case when ${avatars.cancelRequestedAt} is null then ${TRANSITIONS.fail.to} else ${TRANSITIONS.cancel.to} end::avatar_status`,
              error: outcome.reason,
              falResponse: outcome.raw,
              trainingFinishedAt: finishedAt,
              updatedAt: finishedAt,
            }
          : {
              status: TRANSITIONS.complete.to,
              diffusersLoraFileUrl: outcome.kind === 'lora' ? outcome.loraUrl : null,
              configFileUrl: outcome.kind === 'lora' ? outcome.configUrl : null,
              finetuneId: outcome.kind === 'finetune' ? outcome.finetuneId : null,
              falResponse: outcome.raw,
              error: null,
              trainingFinishedAt: finishedAt,
              updatedAt: finishedAt,
            },
      )
      .where(and(eq(avatars.falRequestId, requestId), inArray(avatars.status, [...TRANSITIONS.complete.from])))
      .returning();
    if (!avatar) return { applied: false };
    await settleStoredEvent(tx, requestId);

    const [user] = await tx.select().from(users).where(eq(users.id, avatar.userId));
    if (!user) throw new Error(`avatar ${avatar.id} has no user`);
    if (outcome.kind !== 'failed') {
      await tx
        .update(users)
        .set({ mainAvatarId: avatar.id })
        .where(and(eq(users.id, user.id), isNull(users.mainAvatarId)));
    }
    // Failed, timed out, or cancelled before it ran (a running job FAL was asked to stop finishes: completed).
    const refunded = outcome.kind === 'failed' ? await releaseTrainingRun(tx, avatar.submitKey) : 0;
    const common = { avatarId: avatar.id, avatarName: avatar.name, languageCode: user.languageCode };
    await enqueueNotification(tx, {
      chatId: user.chatId,
      dedupeKey: `training:${requestId}`,
      payload:
        outcome.kind !== 'failed'
          ? { type: 'training_completed', ...common }
          : avatar.status === TRANSITIONS.cancel.to
            ? { type: 'training_cancelled', ...common, refunded }
            : { type: 'training_failed', ...common, code: outcome.code, refunded },
    });
    return { applied: true, avatarId: avatar.id, status: outcome.kind === 'failed' ? 'failed' : 'completed' };
  });
}
