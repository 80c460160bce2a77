import type { Avatar } from '../../domain/avatars.js';
import type { Texts } from '../texts/index.js';
import { button, type View, view } from './view.js';

/**
 * "🗑️ Удалить" only ever shows this: the seed's warning of what is lost
 * forever, with its own buttons and callback data (`avatar_delete_confirm:<id>`,
 * `avatar_delete_cancel:<id>`).
 */
export function deleteConfirmView(t: Texts, avatar: Pick<Avatar, 'id' | 'name' | 'status'>, paid: number): View {
  return view(t.deleteConfirm(avatar.name, avatar.status, paid), [
    [
      button(t.deleteYes, { action: 'avatar_delete_confirm', avatarId: avatar.id }),
      button(t.deleteNo, { action: 'avatar_delete_cancel', avatarId: avatar.id }),
    ],
  ]);
}
