import { Composer } from 'telegraf';
import { message } from 'telegraf/filters';
import { isDatabaseUnavailable } from '../../db/client.js';
import { isCollectingPhotos, isUnfinished, TRANSITIONS } from '../../domain/avatar-lifecycle.js';
import { addPhoto, deletePhoto, type UploadRefusal } from '../../domain/avatar-photos.js';
import { type Avatar, countPhotos, deleteAvatar, findOwnedAvatar, listPhotos, markReady, reopenUpload } from '../../domain/avatars.js';
import { currentBalance } from '../../domain/billing/ledger.js';
import { faceSummary, flagStrangers, openFlags } from '../../domain/faces.js';
import { clearWizardState, getWizardState, setWizardState } from '../../domain/wizard-state.js';
import { type CallbackContext, editPressedMessage, isMessageGone, onAvatarAction, pressedOnPhoto } from '../actions.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { photoMedia, showPhotoMessage } from '../photo-message.js';
import { albumOf } from '../reply-groups.js';
import { downloadTelegramFile, FileTooLargeError } from '../telegram-files.js';
import { type ChatContext, moveProgressDown, refreshProgress } from '../upload-progress.js';
import { mainMenuKeyboard } from '../views/main-menu.js';
import { photoBrowserView } from '../views/photo-browser.js';
import { reviewView } from '../views/training-review.js';
import { cancelConfirmView, progressView } from '../views/upload-progress.js';
import { askAboutStrangers } from './face-flags.js';

/** Shows the upload instructions and a fresh progress message, and makes it the chat's upload step. */
export async function openUpload(ctx: ChatContext, deps: BotDeps, avatar: Avatar): Promise<void> {
  const { minPhotos, maxPhotos } = deps.config.training;
  await ctx.reply(ctx.t.uploadIntro(avatar.name, { min: minPhotos, max: maxPhotos }, avatar.trainingType));
  const v = progressView(ctx.t, avatar.id, await countPhotos(deps.db, avatar.id), deps.config.training);
  const progress = await ctx.reply(v.text, v.markup);
  await setWizardState(deps.db, ctx.chat.id, { step: 'upload_photos', avatarId: avatar.id, progressMessageId: progress.message_id });
}

/** Shows the review of a ready avatar: what will be trained, before money is spent. */
export async function openReview(ctx: ChatContext, deps: BotDeps, avatar: Avatar, editMessage = false): Promise<void> {
  const facts = {
    photos: await countPhotos(deps.db, avatar.id),
    faces: await faceSummary(deps.db, avatar.id),
    balance: await currentBalance(deps.db, avatar.userId, deps.config.billing.freeCredits),
  };
  const v = reviewView(ctx.t, avatar, facts, deps.config);
  await setWizardState(deps.db, ctx.chat.id, { step: 'review', avatarId: avatar.id });
  if (editMessage) {
    try {
      await ctx.editMessageText(v.text, v.markup);
      return;
    } catch (error) {
      // The pressed message is gone (moved below newer photos a moment ago): the review comes as a new one.
      if (!isMessageGone(error)) throw error;
    }
  }
  await ctx.reply(v.text, v.markup);
}

type Incoming = { fileId: string; declaredSize: number | undefined };

function incomingFile(ctx: BotContext): Incoming | null {
  const msg = ctx.message;
  if (!msg) return null;
  if ('photo' in msg) {
    const largest = msg.photo.at(-1);
    return largest ? { fileId: largest.file_id, declaredSize: largest.file_size } : null;
  }
  if ('document' in msg) return { fileId: msg.document.file_id, declaredSize: msg.document.file_size };
  return null;
}

/** The photo upload step: photos and image files, the progress message, browsing and deleting photos, cancel. */
export function uploadPhotosFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();
  const limits = deps.config.training;

  /** A refusal; like ones in the same burst (an album past the maximum) are summed up in one message. */
  const refuse = (ctx: ChatContext, refusal: UploadRefusal) =>
    deps.replies.reply(ctx.chat.id, `refused:${JSON.stringify(refusal)}`, (count) => ctx.t.photoRefused(refusal, count), albumOf(ctx));

  feature.on([message('photo'), message('document')], async (ctx, next) => {
    const state = ctx.wizard;
    if (state?.step !== 'upload_photos' || !ctx.user) return next();
    const file = incomingFile(ctx);
    if (!file) return next();
    // However this photo ends (kept, refused), once the burst it belongs to is over the progress comes
    // down below it, so the next step ("✅ Готово к обучению") is never left up the chat.
    const { chat, log } = ctx;
    deps.replies.afterBurst(
      chat.id,
      'progress-below',
      () => moveProgressDown(ctx, deps, state.avatarId).catch((error: unknown) => log.warn({ err: error }, 'progress message not moved')),
      albumOf(ctx),
    );
    if (file.declaredSize !== undefined && file.declaredSize > limits.maxPhotoBytes) {
      return refuse(ctx, { kind: 'too_large', maxBytes: limits.maxPhotoBytes });
    }
    let download: Awaited<ReturnType<typeof downloadTelegramFile>>;
    try {
      download = await downloadTelegramFile(ctx.telegram, file.fileId, limits.maxPhotoBytes);
    } catch (error) {
      if (error instanceof FileTooLargeError) {
        return refuse(ctx, { kind: 'too_large', maxBytes: limits.maxPhotoBytes });
      }
      ctx.log.warn({ err: error }, 'photo download failed');
      return refuse(ctx, { kind: 'download_failed' });
    }
    const result = await addPhoto(deps.db, deps.storage, {
      avatarId: state.avatarId,
      file: download,
      telegramFileId: 'photo' in ctx.message ? file.fileId : null,
      limits: {
        maxPhotos: limits.maxPhotos,
        maxBytes: limits.maxPhotoBytes,
        minSide: limits.minPhotoSide,
        maxSide: limits.photoMaxSide,
        quality: limits.photoQuality,
      },
      faces: deps.faces,
    }).finally(download.dispose);
    if (!result.ok) {
      if (result.refusal === null) return ctx.reply(ctx.t.chooseFromMenu, mainMenuKeyboard(ctx.t));
      await refuse(ctx, result.refusal);
    } else await askAboutStrangers(ctx, deps, state.avatarId, result.flagged);
    if (state.progressMessageId === null) return;
    // The photo is stored whatever happens to its progress message: a failed edit is logged, not shown as a failed upload.
    await refreshProgress(ctx, deps, state.avatarId, state.progressMessageId).catch((error: unknown) => {
      if (isDatabaseUnavailable(error)) throw error;
      ctx.log.warn({ err: error }, 'progress message not updated');
    });
  });

  // Text, stickers, voice… while photos are expected: a hint, not an error.
  feature.on(message(), async (ctx, next) => {
    const state = ctx.wizard;
    if (state?.step !== 'upload_photos') return next();
    return deps.replies.reply(ctx.chat.id, 'send-photo-hint', () => ctx.t.sendPhotoHint, albumOf(ctx));
  });

  feature.use(
    onAvatarAction('avatar_photos', deps, async (ctx, avatar, data) => {
      const photos = await listPhotos(deps.db, avatar.id);
      if (photos.length === 0) return ctx.answerCbQuery(ctx.t.noPhotos);
      await ctx.answerCbQuery();
      return showPhoto(ctx, deps, avatar.id, data.index % photos.length);
    }),
  );

  feature.use(
    onAvatarAction('avatar_photo_del', deps, async (ctx, avatar, data) => {
      if (!(await deletePhoto(deps.db, deps.storage, avatar.id, data.photo))) {
        return ctx.answerCbQuery(ctx.t.staleButton);
      }
      await ctx.answerCbQuery(ctx.t.photoDeleted);
      const caption = ctx.callbackQuery.message && 'caption' in ctx.callbackQuery.message ? ctx.callbackQuery.message.caption : '';
      const shownIndex = Number(/(\d+)\//.exec(caption ?? '')?.[1] ?? 1) - 1;
      const left = await countPhotos(deps.db, avatar.id);
      if (left === 0) await ctx.deleteMessage().catch(() => {});
      else await showPhoto(ctx, deps, avatar.id, Math.min(shownIndex, left - 1));
      const state = await getWizardState(deps.db, ctx.chat.id);
      if (state?.step === 'upload_photos' && state.avatarId === avatar.id && state.progressMessageId !== null) {
        await refreshProgress(ctx, deps, avatar.id, state.progressMessageId);
      }
    }),
  );

  feature.use(
    onAvatarAction('avatar_photos_back', deps, async (ctx, avatar) => {
      await ctx.answerCbQuery();
      await ctx.deleteMessage().catch(() => {});
      // The viewer is gone: the user is shown where they are — the upload's progress, brought down, or the review.
      const state = await getWizardState(deps.db, ctx.chat.id);
      if (state?.step === 'upload_photos' && state.avatarId === avatar.id) return moveProgressDown(ctx, deps, avatar.id);
      if (avatar.status === 'ready') return openReview(ctx, deps, avatar);
      if (isCollectingPhotos(avatar)) return openUpload(ctx, deps, avatar);
    }),
  );

  feature.use(
    onAvatarAction('avatar_create_cancel', deps, async (ctx, avatar) => {
      if (!isUnfinished(avatar)) return ctx.answerCbQuery(ctx.t.staleButton, { show_alert: true });
      await ctx.answerCbQuery();
      await editPressedMessage(ctx, cancelConfirmView(ctx.t, avatar, await countPhotos(deps.db, avatar.id)));
    }),
  );

  feature.use(
    onAvatarAction('avatar_cancel_no', deps, async (ctx, avatar) => {
      if (!isCollectingPhotos(avatar)) return ctx.answerCbQuery(ctx.t.staleButton, { show_alert: true });
      await ctx.answerCbQuery();
      await editPressedMessage(ctx, progressView(ctx.t, avatar.id, await countPhotos(deps.db, avatar.id), limits));
    }),
  );

  feature.use(
    onAvatarAction('avatar_cancel_yes', deps, async (ctx, avatar) => {
      if (!isUnfinished(avatar)) return ctx.answerCbQuery(ctx.t.staleButton, { show_alert: true });
      await deleteAvatar(deps, avatar);
      ctx.log.info({ avatar_id: avatar.id }, 'avatar creation cancelled');
      await clearWizardState(deps.db, ctx.chat.id);
      await ctx.answerCbQuery();
      await ctx.editMessageText(ctx.t.creationCancelled(avatar.name));
    }),
  );

  feature.use(
    onAvatarAction('avatar_photos_ready', deps, async (ctx, avatar) => {
      // The first photos are judged again against all that came after them: they may be the stranger.
      if (deps.faces) await flagStrangers(deps.db, avatar.id, deps.faces.rules);
      const ready = await markReady(deps.db, avatar.id, limits.minPhotos);
      if (!ready) {
        const flagged = await openFlags(deps.db, avatar.id);
        if (flagged.length > 0 && isCollectingPhotos(avatar)) {
          await ctx.answerCbQuery(ctx.t.flagsOpen(flagged.length), { show_alert: true });
          return askAboutStrangers(ctx, deps, avatar.id, flagged);
        }
        // A second tap while the first moved it: answered as the first was, with the review already on screen.
        const now = await findOwnedAvatar(deps.db, avatar.userId, avatar.id);
        if (now.ok && now.avatar.status === TRANSITIONS.markReady.to) return ctx.answerCbQuery();
        const stale = !isCollectingPhotos(now.ok ? now.avatar : avatar);
        return ctx.answerCbQuery(stale ? ctx.t.staleButton : ctx.t.notEnoughPhotos(limits.minPhotos), {
          show_alert: !stale,
        });
      }
      await ctx.answerCbQuery();
      return openReview(ctx, deps, ready, true);
    }),
  );

  feature.use(
    onAvatarAction('avatar_review_back', deps, async (ctx, avatar) => {
      const reopened = await reopenUpload(deps.db, avatar.id);
      if (!reopened) return ctx.answerCbQuery(ctx.t.staleButton);
      await ctx.answerCbQuery();
      const v = progressView(ctx.t, avatar.id, await countPhotos(deps.db, avatar.id), limits);
      await ctx.editMessageText(v.text, v.markup);
      const messageId = ctx.callbackQuery.message?.message_id ?? null;
      await setWizardState(deps.db, ctx.chat.id, { step: 'upload_photos', avatarId: avatar.id, progressMessageId: messageId });
    }),
  );

  return feature;
}

/** Shows photo `index` of the avatar, in the browser message if the button is on one, else in a new one. */
async function showPhoto(ctx: CallbackContext, deps: BotDeps, avatarId: string, index: number): Promise<void> {
  const photos = await listPhotos(deps.db, avatarId);
  const photo = photos[index];
  if (!photo) return;
  const v = photoBrowserView(ctx.t, avatarId, index, photos.length, photo.sha256);
  await showPhotoMessage(ctx, await photoMedia(deps.storage, photo), v, pressedOnPhoto(ctx));
}
