import { Composer } from 'telegraf';
import { message } from 'telegraf/filters';
import { listPhotos } from '../../domain/avatars.js';
import { type AvatarCard, latestGenerations, listAvatarCards, renameAvatar, setMainAvatar, stopTraining } from '../../domain/gallery.js';
import { clearWizardState, getWizardState, setWizardState } from '../../domain/wizard-state.js';
import { PLACEHOLDER_PNG } from '../../solid-png.js';
import { type CallbackContext, editPressedMessage, isNotModified, onAction, ownAvatarOrAlert, pressedOnPhoto } from '../actions.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { backToCardView, cardView, emptyGalleryView, galleryPhotoView, stopConfirmView } from '../gallery-views.js';
import { mainMenuKeyboard } from '../keyboards.js';
import { texts } from '../texts.js';
import { checkAvatarName } from './create-avatar.js';

type Media = string | { source: Buffer | NodeJS.ReadableStream };

/** The card's picture: the latest generated one, else the first photo, else a plain placeholder. */
async function previewOf(deps: BotDeps, card: AvatarCard): Promise<Media> {
  const [latest] = (await latestGenerations(deps.db, card.id, 5)).filter((g) => g.status === 'completed' && g.storageKeys.length > 0);
  const generated = latest ? await deps.storage.get(latest.storageKeys[0]!) : null;
  if (generated) return { source: generated };
  const [photo] = await listPhotos(deps.db, card.id);
  if (photo?.telegramFileId) return photo.telegramFileId;
  const stored = photo ? await deps.storage.get(photo.storageKey) : null;
  return stored ? { source: stored } : { source: PLACEHOLDER_PNG };
}

/** Puts a photo with caption and buttons into the pressed message, or into a new one. */
async function showPhotoMessage(ctx: BotContext, media: Media, caption: string, markup: object, edit: boolean): Promise<void> {
  if (!edit) {
    await ctx.replyWithPhoto(media as never, { caption, ...markup });
    return;
  }
  try {
    await ctx.editMessageMedia({ type: 'photo', media: media as never, caption }, markup);
  } catch (error) {
    if (!isNotModified(error)) throw error;
  }
}

/**
 * Shows the user's gallery at `avatarId` (else the main avatar, else the first):
 * in the pressed card when there is one, edited in place, else as a new message.
 */
export async function showGallery(ctx: BotContext, deps: BotDeps, options: { avatarId?: string; edit: boolean }): Promise<void> {
  if (!ctx.user) return;
  const cards = await listAvatarCards(deps.db, ctx.user.id);
  if (cards.length === 0) {
    const v = emptyGalleryView(ctx.lang);
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
  const v = cardView(ctx.lang, cards, index);
  await showPhotoMessage(ctx, await previewOf(deps, cards[index]!), v.text, v.markup, options.edit);
}

/** "🎭 Мои аватары": one card at a time, edited in place; main, photos, history, rename, stop training. */
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
    onAction('gallery_card', async (ctx, data) => {
      const avatar = await ownAvatarOrAlert(ctx, deps, data.avatarId);
      if (!avatar) return;
      await ctx.answerCbQuery();
      await onCard(ctx, avatar.id);
    }),
  );

  feature.use(
    onAction('gallery_close', async (ctx) => {
      await ctx.answerCbQuery();
      await ctx.deleteMessage().catch(() => {});
      await ctx.reply(texts[ctx.lang].chooseFromMenu, mainMenuKeyboard(ctx.lang));
    }),
  );

  feature.use(
    onAction('avatar_main', async (ctx, data) => {
      const avatar = await ownAvatarOrAlert(ctx, deps, data.avatarId);
      if (!avatar || !ctx.user) return;
      if (!(await setMainAvatar(deps.db, ctx.user.id, avatar.id))) return ctx.answerCbQuery(texts[ctx.lang].staleButton);
      await ctx.answerCbQuery(texts[ctx.lang].gallery.mainSet(avatar.name));
      await onCard(ctx, avatar.id);
    }),
  );

  feature.use(
    onAction('gallery_photos', async (ctx, data) => {
      const avatar = await ownAvatarOrAlert(ctx, deps, data.avatarId);
      if (!avatar) return;
      const photos = await listPhotos(deps.db, avatar.id);
      if (photos.length === 0) return ctx.answerCbQuery(texts[ctx.lang].gallery.noPreviewPhotos);
      await ctx.answerCbQuery();
      const index = data.index % photos.length;
      const photo = photos[index]!;
      const media = photo.telegramFileId ?? { source: (await deps.storage.get(photo.storageKey)) ?? PLACEHOLDER_PNG };
      const v = galleryPhotoView(ctx.lang, avatar.id, index, photos.length);
      await showPhotoMessage(ctx, media, v.text, v.markup, pressedOnPhoto(ctx));
    }),
  );

  feature.use(
    onAction('avatar_history', async (ctx, data) => {
      const avatar = await ownAvatarOrAlert(ctx, deps, data.avatarId);
      if (!avatar) return;
      await ctx.answerCbQuery();
      const g = texts[ctx.lang].gallery;
      const history = (await latestGenerations(deps.db, avatar.id)).filter((gen) => gen.status === 'completed');
      const lines = history.map(
        (gen, i) => `${i + 1}. ${gen.createdAt.toISOString().slice(0, 16).replace('T', ' ')} — ${gen.prompt.slice(0, 80)}`,
      );
      const text = lines.length === 0 ? g.historyEmpty(avatar.name) : `${g.historyTitle(avatar.name)}\n\n${lines.join('\n')}`;
      const v = backToCardView(ctx.lang, avatar.id, text.slice(0, 1024));
      await editPressedMessage(ctx, v.text, v.markup);
    }),
  );

  feature.use(
    onAction('avatar_rename', async (ctx, data) => {
      const avatar = await ownAvatarOrAlert(ctx, deps, data.avatarId);
      if (!avatar) return;
      await ctx.answerCbQuery();
      await setWizardState(deps.db, ctx.chat.id, { step: 'rename', avatarId: avatar.id });
      await ctx.reply(texts[ctx.lang].gallery.askRename(avatar.name));
    }),
  );

  feature.on(message('text'), async (ctx, next) => {
    const state = await getWizardState(deps.db, ctx.chat.id);
    if (state?.step !== 'rename' || !state.avatarId) return next();
    const t = texts[ctx.lang];
    const checked = checkAvatarName(ctx.message.text);
    if (!checked.ok) return ctx.reply(t[checked.reason]);
    await renameAvatar(deps.db, state.avatarId, checked.name);
    await clearWizardState(deps.db, ctx.chat.id);
    await ctx.reply(t.gallery.renamed(checked.name));
    await showGallery(ctx, deps, { avatarId: state.avatarId, edit: false });
  });

  feature.use(
    onAction('avatar_stop', async (ctx, data) => {
      const avatar = await ownAvatarOrAlert(ctx, deps, data.avatarId);
      if (!avatar) return;
      if (avatar.status !== 'training') return ctx.answerCbQuery(texts[ctx.lang].staleButton);
      await ctx.answerCbQuery();
      const v = stopConfirmView(ctx.lang, avatar);
      await editPressedMessage(ctx, v.text, v.markup);
    }),
  );

  feature.use(
    onAction('avatar_stop_confirm', async (ctx, data) => {
      const avatar = await ownAvatarOrAlert(ctx, deps, data.avatarId);
      if (!avatar) return;
      const g = texts[ctx.lang].gallery;
      const result = await stopTraining(deps.db, deps.falHttp, avatar);
      ctx.log.info({ avatar_id: avatar.id, result }, 'stop training');
      if (result === 'unreachable') return ctx.answerCbQuery(g.stopFailed, { show_alert: true });
      if (result === 'too_late') return ctx.answerCbQuery(g.stopTooLate, { show_alert: true });
      await ctx.answerCbQuery(g.stopped(avatar.name));
      await onCard(ctx, avatar.id);
    }),
  );

  return feature;
}
