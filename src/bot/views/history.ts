import type { Avatar } from '../../domain/avatars.js';
import type { Generation, HistoryOrder } from '../../domain/generation/queries.js';
import { CAPTION_LIMIT, clip } from '../texts/format.js';
import type { Texts } from '../texts/index.js';
import { type Button, button, type View, view } from './view.js';

/** Lines of a history page, and the pictures it reopens. */
export const HISTORY_PAGE = 10;

/** One page of an avatar's pictures: `page` 0 is the newest (or the most alike); `older`: there are more after it. */
export type HistoryPage = { pictures: Generation[]; order: HistoryOrder; page: number; older: boolean };

/**
 * An avatar's history in place of its card: one line per picture with its
 * likeness when it was measured, a button that sends each picture again, the
 * older pictures page by page, and the other order when there is a score to sort by.
 */
export function historyView(t: Texts, avatar: Pick<Avatar, 'id' | 'name'>, shown: HistoryPage): View {
  const g = t.gallery;
  const avatarId = avatar.id;
  const { pictures, order, page } = shown;
  const first = page * HISTORY_PAGE + 1;
  const lines = pictures.map((gen, i) => {
    const score = gen.likeness === null ? '' : ` · 🎯 ${Math.round(gen.likeness)} %`;
    return `${first + i}. ${t.date(gen.createdAt)}${score} — ${clip(gen.prompt, 80)}`;
  });
  const title = order === 'likeness' ? g.historyByLikenessTitle(avatar.name) : g.historyTitle(avatar.name);
  const text = lines.length === 0 && page === 0 ? g.historyEmpty(avatar.name) : `${title}\n\n${lines.join('\n')}`;
  const rows: Button[][] = [];
  const reopen = pictures.map((gen, i) => button(`🖼 ${first + i}`, { action: 'gen_show', generationId: gen.id }));
  for (let i = 0; i < reopen.length; i += 5) rows.push(reopen.slice(i, i + 5));
  if (order === 'date') {
    const pages = [
      ...(shown.older ? [button(g.historyOlder, { action: 'avatar_history', avatarId, page: page + 1 })] : []),
      ...(page > 0 ? [button(g.historyNewer, { action: 'avatar_history', avatarId, page: page - 1 })] : []),
    ];
    if (pages.length > 0) rows.push(pages);
  }
  if (pictures.some((gen) => gen.likeness !== null))
    rows.push([
      order === 'likeness'
        ? button(g.historyByDate, { action: 'avatar_history', avatarId, page: 0 })
        : button(g.historyByLikeness, { action: 'avatar_history_best', avatarId }),
    ]);
  rows.push([button(g.back, { action: 'gallery_card', avatarId })]);
  return view(clip(text, CAPTION_LIMIT), rows);
}
