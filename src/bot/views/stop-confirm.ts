import type { Avatar } from '../../domain/avatars.js';
import type { Texts } from '../texts/index.js';
import { button, type View, view } from './view.js';

/** "⏹ Отменить обучение" asks first: the result of the running training is lost. */
export function stopConfirmView(t: Texts, avatar: Pick<Avatar, 'id' | 'name'>): View {
  const g = t.gallery;
  return view(g.stopConfirm(avatar.name), [
    [button(g.stopYes, { action: 'avatar_stop_confirm', avatarId: avatar.id })],
    [button(g.stopNo, { action: 'gallery_card', avatarId: avatar.id })],
  ]);
}
