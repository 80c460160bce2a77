import type { Avatar } from '../../domain/avatars.js';
import { type Lang, texts } from '../texts/index.js';
import { button, type View, view } from './view.js';

/** "⏹ Отменить обучение" asks first: the result of the running training is lost. */
export function stopConfirmView(lang: Lang, avatar: Pick<Avatar, 'id' | 'name'>): View {
  const g = texts[lang].gallery;
  return view(g.stopConfirm(avatar.name), [
    [button(g.stopYes, { action: 'avatar_stop_confirm', avatarId: avatar.id })],
    [button(g.stopNo, { action: 'gallery_card', avatarId: avatar.id })],
  ]);
}
