import type { Avatar } from '../../domain/avatars.js';
import { type Lang, texts } from '../texts/index.js';
import { button, type View, view } from './view.js';

/** "➕ Создать аватар" while a draft exists: continue it or start another. */
export function unfinishedView(lang: Lang, avatar: Avatar, photos: number): View {
  const t = texts[lang];
  return view(t.unfinished(avatar.name, photos), [
    [button(t.resume(avatar.name), { action: 'avatar_resume', avatarId: avatar.id })],
    [button(t.newAvatar, { action: 'avatar_new' })],
  ]);
}

/** After /start left the draft's upload or review: it is kept, and one tap resumes it. */
export function draftKeptView(lang: Lang, avatar: Avatar, photos: number): View {
  const t = texts[lang];
  return view(t.draftKept(avatar.name, photos), [[button(t.resume(avatar.name), { action: 'avatar_resume', avatarId: avatar.id })]]);
}
