import { Composer } from 'telegraf';
import { message } from 'telegraf/filters';
import { type AvatarCard, listAvatarCards, listPhotos, renameAvatar, setMainAvatar } from '../../domain/avatars.js';
import { cardPicture } from '../../domain/photo-pipeline.js';
import { forgetCard, rememberCard } from '../../domain/shown-cards.js';
import { stopTraining } from '../../domain/training/stop.js';
import { clearWizardState, setWizardState } from '../../domain/wizard-state.js';
import { answerQuietly, type CallbackContext, editPressedMessage, onAction, onAvatarAction, pressedOnPhoto } from '../actions.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { type Media, photoMedia, showPhotoMessage } from '../photo-message.js';
import { PLACEHOLDER_PNG } from '../placeholder-png.js';
import { texts } from '../texts/index.js';
import { cardView, emptyGalleryView } from '../views/gallery-card.js';
import { mainMenuKeyboard } from '../views/main-menu.js';
import { galleryPhotoView } from '../views/photo-browser.js';
import { stopConfirmView } from '../views/stop-confirm.js';
import { checkAvatarName } from './create-avatar.js';

/**
 * The card's picture is the avatar itself, not its latest generation: the photo of the set with the largest
 * face (the first one when faces are not measured), cropped square so the card never changes its shape.
 */
async function previewOf(deps: BotDeps, card: AvatarCard): Promise<Media> {
  const photos = await listPhotos(deps.db, card.id);
  const best = photos.reduce<(typeof photos)[number] | undefined>(
    (a, p) => (!a || (p.faceSize ?? 0) > (a.faceSize ?? 0) ? p : a),
    undefined,
  );
  const stored = best ? await deps.storage.get(best.storageKey) : null;
  return { source: stored ? await cardPicture(stored) : PLACEHOLDER_PNG };
}

/**
 * Shows the user's gallery at `avatarId` (else the main avatar, else the first):
 * in the pressed card when there is one, edited in place, else as a new message.
 */
export async function showGallery(ctx: BotContext, deps: BotDeps, options: { avatarId?: string; edit: boolean }): Promise<void> {
  if (!ctx.user) return;
  const cards = await listAvatarCards(deps.db, ctx.user.id);
  if (cards.length === 0) {
    const v = emptyGalleryView(ctx.t, { min: deps.config.training.minPhotos, max: deps.config.training.maxPhotos });
    if (options.edit) await ctx.deleteMessage().catch(() => {});
    await ctx.reply(v.text, v.markup);
    return;
  }
  const wanted = cards.findIndex((c) => c.id === options.avatarId);
  const index =
    wanted >= 0
      ? wanted
      : Math.max(
          0,
          cards.findIndex((c) => c.isMain),
        );
  const messageId = await showPhotoMessage(ctx, await previewOf(deps, cards[index]!), cardView(ctx.t, cards, index), options.edit);
  if (messageId && ctx.chat) {
    // Kept in mind, so the card is edited when its avatar's training ends (card-refresh.ts).
    await rememberCard(deps.db, { chatId: ctx.chat.id, messageId, avatarId: cards[index]!.id });
    ctx.shownCard = messageId;
  }
}

/** Only a gallery card has "◀️ Назад" to close the gallery: a button pressed on one is a button of a card. */
function pressedOnCard(ctx: CallbackContext): boolean {
  const markup =
    ctx.callbackQuery.message && 'reply_markup' in ctx.callbackQuery.message ? ctx.callbackQuery.message.reply_markup : undefined;
  return pressedOnPhoto(ctx) && JSON.stringify(markup ?? {}).includes('"gallery_close"');
}

/**
 * A button the avatar's state has outgrown ("⏹ Отменить обучение" on an avatar that finished): says so, and,
 * when it sits on a card, redraws the card as the avatar is now, so the next tap is on the right buttons.
 */
export async function answerStale(ctx: CallbackContext, deps: BotDeps, avatarId: string, text = ctx.t.staleButton): Promise<void> {
  await ctx.answerCbQuery(text);
  if (pressedOnCard(ctx)) await showGallery(ctx, deps, { avatarId, edit: true });
}

/** "🎭 Мои аватары": one card at a time, edited in place; main, photos, rename, stop training (history: history.ts). */
export function galleryFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();
  const onCard = (ctx: CallbackContext, avatarId: string) => showGallery(ctx, deps, { avatarId, edit: pressedOnPhoto(ctx) });

  feature.hears([texts.ru.menu.myAvatars, texts.en.menu.myAvatars], (ctx) => showGallery(ctx, deps, { edit: false }));

  feature.use(
    onAction('gallery_open', async (ctx) => {
      await ctx.answerCbQuery();
      await showGallery(ctx, deps, { edit: false });
    }),
  );

  feature.use(
    onAvatarAction('gallery_card', deps, async (ctx, avatar) => {
      await ctx.answerCbQuery();
      await onCard(ctx, avatar.id);
    }),
  );

  feature.use(
    onAction('gallery_close', async (ctx) => {
      await ctx.answerCbQuery();
      const closed = ctx.callbackQuery.message;
      if (closed) await forgetCard(deps.db, closed.chat.id, closed.message_id);
      await ctx.deleteMessage().catch(() => {});
      await ctx.reply(ctx.t.chooseFromMenu, mainMenuKeyboard(ctx.t));
    }),
  );

  feature.use(
    onAvatarAction('avatar_main', deps, async (ctx, avatar) => {
      if (!ctx.user || !(await setMainAvatar(deps.db, ctx.user.id, avatar.id))) return answerStale(ctx, deps, avatar.id);
      await ctx.answerCbQuery(ctx.t.gallery.mainSet(avatar.name));
      await onCard(ctx, avatar.id);
    }),
  );

  feature.use(
    onAvatarAction('gallery_photos', deps, async (ctx, avatar, data) => {
      const photos = await listPhotos(deps.db, avatar.id);
      if (photos.length === 0) return ctx.answerCbQuery(ctx.t.gallery.noPreviewPhotos);
      await ctx.answerCbQuery();
      const index = data.index % photos.length;
      const media = await photoMedia(deps.storage, photos[index]!);
      await showPhotoMessage(ctx, media, galleryPhotoView(ctx.t, avatar.id, index, photos.length), pressedOnPhoto(ctx));
    }),
  );

  feature.use(
    onAvatarAction('avatar_rename', deps, async (ctx, avatar) => {
      await ctx.answerCbQuery();
      await setWizardState(deps.db, ctx.chat.id, { step: 'rename', avatarId: avatar.id });
      await ctx.reply(ctx.t.gallery.askRename(avatar.name));
    }),
  );

  feature.on(message('text'), async (ctx, next) => {
    const state = ctx.wizard;
    if (state?.step !== 'rename' || !state.avatarId) return next();
    const t = ctx.t;
    const checked = checkAvatarName(ctx.message.text);
    if (!checked.ok) return ctx.reply(t[checked.reason]);
    await renameAvatar(deps.db, state.avatarId, checked.name);
    await clearWizardState(deps.db, ctx.chat.id);
    await ctx.reply(t.gallery.renamed(checked.name));
    await showGallery(ctx, deps, { avatarId: state.avatarId, edit: false });
  });

  feature.use(
    onAvatarAction('avatar_stop', deps, async (ctx, avatar) => {
      if (avatar.status !== 'training' || avatar.cancelRequestedAt) return answerStale(ctx, deps, avatar.id);
      await ctx.answerCbQuery();
      await editPressedMessage(ctx, stopConfirmView(ctx.t, avatar));
    }),
  );

  feature.use(
    onAvatarAction('avatar_stop_confirm', deps, async (ctx, avatar) => {
      const g = ctx.t.gallery;
      if (avatar.status !== 'training') {
        // It ended while the confirmation was open: say so, and show the card as it is now.
        await ctx.answerCbQuery(g.stopFinished, { show_alert: true });
        return onCard(ctx, avatar.id);
      }
      // Answered before FAL is asked, which may take its time: the spinner stops at once.
      await answerQuietly(ctx, g.stopping(avatar.name));
      const result = await stopTraining(deps.db, deps.falHttp, avatar);
      ctx.log.info({ avatar_id: avatar.id, result }, 'stop training');
      if (result === 'unreachable') await ctx.reply(g.stopFailed);
      if (result === 'too_late') await ctx.reply(g.stopTooLate);
      await onCard(ctx, avatar.id);
    }),
  );

  return feature;
}
