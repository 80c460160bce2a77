import { canBeMain, canRetrain, isUnfinished } from '../../domain/avatar-lifecycle.js';
import type { AvatarCard } from '../../domain/avatars.js';
import type { Texts } from '../texts/index.js';
import type { PhotoRange } from '../texts/types.js';
import { type Button, button, pagerRow, type View, view } from './view.js';

/** One avatar's card in the gallery: its caption and the buttons its status allows. */
export function cardView(t: Texts, cards: AvatarCard[], index: number): View {
  const g = t.gallery;
  const card = cards[index]!;
  const avatarId = card.id;
  const rows: Button[][] = [];
  if (cards.length > 1) rows.push(pagerRow(index, cards.length, (i) => ({ action: 'gallery_card', avatarId: cards[i]!.id })));
  if (card.status === 'completed')
    rows.push([button(g.generate, { action: 'avatar_generate', avatarId }), button(t.gen.ideas, { action: 'avatar_ideas', avatarId })]);
  if (isUnfinished(card)) rows.push([button(g.resume, { action: 'avatar_resume', avatarId })]);
  if (canRetrain(card)) rows.push([button(t.retryTraining, { action: 'avatar_train', avatarId })]);
  if (card.status === 'training' && !card.cancelRequestedAt) rows.push([button(g.stopTraining, { action: 'avatar_stop', avatarId })]);
  if (canBeMain(card) && !card.isMain) rows.push([button(g.makeMain, { action: 'avatar_main', avatarId })]);
  rows.push([
    button(g.photos, { action: 'gallery_photos', avatarId, index: 0 }),
    button(g.history, { action: 'avatar_history', avatarId, page: 0 }),
  ]);
  rows.push([button(g.rename, { action: 'avatar_rename', avatarId }), button(g.delete, { action: 'avatar_delete', avatarId })]);
  rows.push([button(g.back, { action: 'gallery_close' })]);
  return view(
    g.card({
      name: card.name,
      type: card.trainingType,
      status: card.status,
      stopping: card.status === 'training' && card.cancelRequestedAt !== null,
      progress: card.falProgress ?? null,
      isMain: card.isMain,
      createdAt: card.createdAt,
      photos: card.photos,
      generations: card.generations,
    }),
    rows,
  );
}

export function emptyGalleryView(t: Texts, photos: PhotoRange): View {
  const g = t.gallery;
  return view(g.empty(photos), [[button(g.create, { action: 'avatar_new' })]]);
}
