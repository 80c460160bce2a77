import type { Avatar } from '../../domain/avatars.js';
import type { CatalogEntry } from '../../domain/sets/catalog.js';
import { type Texts, texts } from '../texts/index.js';
import { button, type View, view } from './view.js';

const titleIn = (t: Texts, theme: Pick<CatalogEntry, 'titleRu' | 'titleEn'>) => (t === texts.en ? theme.titleEn : theme.titleRu);

/** The shoots on sale for an avatar, each with its size and its 👍 rate so far. */
export function catalogView(t: Texts, avatar: Pick<Avatar, 'id' | 'name'>, shoots: CatalogEntry[], price: number): View {
  return view(
    t.sets.catalog(avatar.name, price),
    shoots.map((s) => {
      const votes = s.likes + s.dislikes;
      const rate = votes > 0 ? Math.round((100 * s.likes) / votes) : null;
      return [
        button(t.sets.theme(s.emoji, titleIn(t, s), s.prompts.length, rate), { action: 'shoot_pick', avatarId: avatar.id, theme: s.id }),
      ];
    }),
  );
}

/** One shoot before it is bought: what comes, and for how much. */
export function shootConfirmView(t: Texts, avatar: Pick<Avatar, 'id' | 'name'>, shoot: CatalogEntry, price: number): View {
  return view(t.sets.confirm(shoot.emoji, titleIn(t, shoot), shoot.prompts.length, avatar.name, price), [
    [button(t.sets.go, { action: 'shoot_go', avatarId: avatar.id, theme: shoot.id })],
    [button(t.gallery.back, { action: 'shoot_list', avatarId: avatar.id })],
  ]);
}
