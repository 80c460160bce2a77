import type { Avatar } from '../../domain/avatars.js';
import type { FormatName } from '../../domain/generation/request.js';
import type { Texts } from '../texts/index.js';
import { button, type View, view } from './view.js';

/** The picture formats before the prompt; the one used last time is ticked. */
export function generationFormatView(t: Texts, avatar: Pick<Avatar, 'id' | 'name'>, last: string | null | undefined): View {
  const g = t.gen;
  const choice = (format: FormatName) =>
    button(`${format === last ? '✓ ' : ''}${g.formats[format]}`, { action: 'gen_format', avatarId: avatar.id, format });
  return view(g.chooseFormat(avatar.name), [
    [choice('portrait'), choice('square')],
    [choice('story'), choice('cinema')],
  ]);
}
