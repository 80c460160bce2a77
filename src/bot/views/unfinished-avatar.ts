import type { Avatar } from '../../domain/avatars.js';
import type { Texts } from '../texts/index.js';
import { button, type View, view } from './view.js';

/** "➕ Создать аватар" while a draft exists: continue it or start another. */
export function unfinishedView(t: Texts, avatar: Avatar, photos: number): View {
  return view(t.unfinished(avatar.name, photos), [
    [button(t.resume(avatar.name), { action: 'avatar_resume', avatarId: avatar.id })],
    [button(t.newAvatar, { action: 'avatar_new' })],
  ]);
}

/** After /start left the draft's upload or review: it is kept, and one tap resumes it. */
export function draftKeptView(t: Texts, avatar: Avatar, photos: number): View {
  return view(t.draftKept(avatar.name, photos), [[button(t.resume(avatar.name), { action: 'avatar_resume', avatarId: avatar.id })]]);
}
