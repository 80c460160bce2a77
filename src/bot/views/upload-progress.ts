import type { Config } from '../../config.js';
import type { Texts } from '../texts/index.js';
import { type Button, button, type View, view } from './view.js';

/** "🗑️ Отменить создание" asks first: the draft's photos are deleted for good. */
export function cancelConfirmView(t: Texts, avatar: { id: string; name: string }, photos: number): View {
  return view(t.cancelConfirm(avatar.name, photos), [
    [button(t.cancelYes, { action: 'avatar_cancel_yes', avatarId: avatar.id })],
    [button(t.cancelNo, { action: 'avatar_cancel_no', avatarId: avatar.id })],
  ]);
}

/** The one progress message of the upload step, edited as photos arrive. */
export function progressView(t: Texts, avatarId: string, uploaded: number, limits: Config['training']): View {
  const rows: Button[][] = [];
  if (uploaded > 0) rows.push([button(t.photosButton(uploaded), { action: 'avatar_photos', avatarId, index: 0 })]);
  if (uploaded >= limits.minPhotos) rows.push([button(t.readyButton, { action: 'avatar_photos_ready', avatarId })]);
  rows.push([button(t.cancelCreation, { action: 'avatar_create_cancel', avatarId })]);
  return view(t.progress({ uploaded, min: limits.minPhotos, max: limits.maxPhotos }), rows);
}
