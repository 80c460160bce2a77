import type { Avatar } from '../../domain/avatars.js';
import type { Generation, HistoryOrder } from '../../domain/generation/queries.js';
import { CAPTION_LIMIT, clip } from '../texts/format.js';
import type { Texts } from '../texts/index.js';
import { type Button, button, type View, view } from './view.js';

/**
 * An avatar's history in place of its card: one line per picture with its
 * likeness when it was measured, and the other order when there is a score to
 * sort by.
 */
export function historyView(t: Texts, avatar: Pick<Avatar, 'id' | 'name'>, history: Generation[], order: HistoryOrder): View {
  const g = t.gallery;
  const avatarId = avatar.id;
  const lines = history.map((gen, i) => {
    const when = gen.createdAt.toISOString().slice(0, 16).replace('T', ' ');
    const score = gen.likeness === null ? '' : ` · 🎯 ${Math.round(gen.likeness)} %`;
    return `${i + 1}. ${when}${score} — ${clip(gen.prompt, 80)}`;
  });
  const title = order === 'likeness' ? g.historyByLikenessTitle(avatar.name) : g.historyTitle(avatar.name);
  const text = lines.length === 0 ? g.historyEmpty(avatar.name) : `${title}\n\n${lines.join('\n')}`;
  const rows: Button[][] = [];
  if (history.some((gen) => gen.likeness !== null))
    rows.push([
      order === 'likeness'
        ? button(g.historyByDate, { action: 'avatar_history', avatarId })
        : button(g.historyByLikeness, { action: 'avatar_history_best', avatarId }),
    ]);
  rows.push([button(g.back, { action: 'gallery_card', avatarId })]);
  return view(clip(text, CAPTION_LIMIT), rows);
}
