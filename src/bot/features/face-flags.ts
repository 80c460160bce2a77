import { Composer } from 'telegraf';
import { deletePhoto } from '../../domain/avatar-photos.js';
import { listPhotos } from '../../domain/avatars.js';
import { keepFlaggedPhoto, openFlags } from '../../domain/faces.js';
import { getWizardState } from '../../domain/wizard-state.js';
import { onAvatarAction } from '../actions.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { photoMedia } from '../photo-message.js';
import { type ChatContext, moveProgressDown, refreshProgress } from '../upload-progress.js';
import { faceFlagView } from '../views/face-flag.js';

/**
 * Photos of a portrait avatar that look like someone else than the rest of the
 * set (domain/faces.ts): each is shown with "it's me, keep it" and "delete";
 * the descriptors may be wrong, so the user decides, and the training cannot
 * start until they have.
 */
export async function askAboutStrangers(ctx: ChatContext, deps: BotDeps, avatarId: string, flagged: { sha256: string }[]): Promise<void> {
  if (flagged.length === 0) return;
  const photos = await listPhotos(deps.db, avatarId);
  for (const { sha256 } of flagged) {
    const photo = photos.find((p) => p.sha256 === sha256);
    if (!photo) continue;
    const v = faceFlagView(ctx.t, avatarId, sha256);
    await ctx.replyWithPhoto((await photoMedia(deps.storage, photo)) as never, { caption: v.text, ...v.markup });
  }
}

/**
 * Once the last question about a stranger is answered, the progress (with "✅ Готово к обучению") comes
 * down below the questions and the photos they were about; while questions remain, it only shows the count.
 */
async function progressBelowAnswers(ctx: ChatContext, deps: BotDeps, avatarId: string): Promise<void> {
  const state = await getWizardState(deps.db, ctx.chat.id);
  if (state?.step !== 'upload_photos' || state.avatarId !== avatarId || state.progressMessageId === null) return;
  if ((await openFlags(deps.db, avatarId)).length === 0) await moveProgressDown(ctx, deps, avatarId);
  else await refreshProgress(ctx, deps, avatarId, state.progressMessageId);
}

export function faceFlagsFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();

  feature.use(
    onAvatarAction('avatar_face_keep', deps, async (ctx, avatar, data) => {
      if (!(await keepFlaggedPhoto(deps.db, avatar.id, data.photo))) return ctx.answerCbQuery(ctx.t.staleButton);
      await ctx.answerCbQuery(ctx.t.photoKept);
      await ctx.editMessageCaption(ctx.t.photoKept).catch(() => {});
      await progressBelowAnswers(ctx, deps, avatar.id);
    }),
  );

  feature.use(
    onAvatarAction('avatar_face_drop', deps, async (ctx, avatar, data) => {
      if (!(await deletePhoto(deps.db, deps.storage, avatar.id, data.photo))) return ctx.answerCbQuery(ctx.t.staleButton);
      await ctx.answerCbQuery(ctx.t.photoDeleted);
      await ctx.deleteMessage().catch(() => {});
      await progressBelowAnswers(ctx, deps, avatar.id);
    }),
  );

  return feature;
}
