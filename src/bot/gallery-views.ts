import { Markup } from 'telegraf';
import { isUnfinished } from '../domain/avatars.js';
import type { AvatarCard } from '../domain/gallery.js';
import { callbackData as cb } from './callback-data.js';
import { type Lang, texts } from './texts.js';
import type { View } from './wizard-views.js';

type Button = ReturnType<typeof Markup.button.callback>;

/** One avatar's card: its caption and the buttons its status allows. */
export function cardView(lang: Lang, cards: AvatarCard[], index: number): View {
  const t = texts[lang];
  const g = t.gallery;
  const card = cards[index]!;
  const id = card.id;
  const rows: Button[][] = [];
  if (cards.length > 1) {
    const at = (i: number) => cards[(i + cards.length) % cards.length]!.id;
    rows.push([
      Markup.button.callback('⬅️', cb({ action: 'gallery_card', avatarId: at(index - 1) })),
      Markup.button.callback(`${index + 1}/${cards.length}`, cb({ action: 'gallery_card', avatarId: id })),
      Markup.button.callback('➡️', cb({ action: 'gallery_card', avatarId: at(index + 1) })),
    ]);
  }
  if (card.status === 'completed') rows.push([Markup.button.callback(g.generate, cb({ action: 'avatar_generate', avatarId: id }))]);
  if (isUnfinished(card)) rows.push([Markup.button.callback(g.resume, cb({ action: 'avatar_resume', avatarId: id }))]);
  if (card.status === 'failed' || card.status === 'cancelled') {
    rows.push([Markup.button.callback(t.retryTraining, cb({ action: 'avatar_train', avatarId: id }))]);
  }
  if (card.status === 'training') rows.push([Markup.button.callback(g.stopTraining, cb({ action: 'avatar_stop', avatarId: id }))]);
  if (!isUnfinished(card) && !card.isMain) rows.push([Markup.button.callback(g.makeMain, cb({ action: 'avatar_main', avatarId: id }))]);
  rows.push([
    Markup.button.callback(g.photos, cb({ action: 'gallery_photos', avatarId: id, index: 0 })),
    Markup.button.callback(g.history, cb({ action: 'avatar_history', avatarId: id })),
  ]);
  rows.push([
    Markup.button.callback(g.rename, cb({ action: 'avatar_rename', avatarId: id })),
    Markup.button.callback(g.delete, cb({ action: 'avatar_delete', avatarId: id })),
  ]);
  rows.push([Markup.button.callback(g.back, cb({ action: 'gallery_close' }))]);
  return {
    text: g.card({
      name: card.name,
      type: card.trainingType,
      status: card.status,
      isMain: card.isMain,
      createdAt: card.createdAt,
      photos: card.photos,
      generations: card.generations,
    }),
    markup: Markup.inlineKeyboard(rows),
  };
}

export function emptyGalleryView(lang: Lang): View {
  const g = texts[lang].gallery;
  return { text: g.empty, markup: Markup.inlineKeyboard([[Markup.button.callback(g.create, cb({ action: 'avatar_new' }))]]) };
}

/** A photo of the avatar inside its card, with its own navigation and the way back to the card. */
export function galleryPhotoView(lang: Lang, avatarId: string, index: number, total: number): View {
  const t = texts[lang];
  const at = (i: number) => cb({ action: 'gallery_photos', avatarId, index: (i + total) % total });
  return {
    text: t.photoCaption(index + 1, total),
    markup: Markup.inlineKeyboard([
      [
        Markup.button.callback('⬅️', at(index - 1)),
        Markup.button.callback(`${index + 1}/${total}`, at(index)),
        Markup.button.callback('➡️', at(index + 1)),
      ],
      [Markup.button.callback(t.gallery.back, cb({ action: 'gallery_card', avatarId }))],
    ]),
  };
}

export function deleteConfirmView(lang: Lang, card: Pick<AvatarCard, 'id' | 'name' | 'status'>): View {
  const t = texts[lang];
  return {
    text: t.deleteConfirm(card.name, card.status),
    markup: Markup.inlineKeyboard([
      [
        Markup.button.callback(t.deleteYes, cb({ action: 'avatar_delete_confirm', avatarId: card.id })),
        Markup.button.callback(t.deleteNo, cb({ action: 'avatar_delete_cancel', avatarId: card.id })),
      ],
    ]),
  };
}

export function stopConfirmView(lang: Lang, card: Pick<AvatarCard, 'id' | 'name'>): View {
  const g = texts[lang].gallery;
  return {
    text: g.stopConfirm(card.name),
    markup: Markup.inlineKeyboard([
      [Markup.button.callback(g.stopYes, cb({ action: 'avatar_stop_confirm', avatarId: card.id }))],
      [Markup.button.callback(g.stopNo, cb({ action: 'gallery_card', avatarId: card.id }))],
    ]),
  };
}

export function backToCardView(lang: Lang, avatarId: string, text: string): View {
  return {
    text,
    markup: Markup.inlineKeyboard([[Markup.button.callback(texts[lang].gallery.back, cb({ action: 'gallery_card', avatarId }))]]),
  };
}
