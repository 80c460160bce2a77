import type { Avatar } from '../../domain/avatars.js';
import type { IdeaId } from '../../domain/prompts/ideas.js';
import type { Texts } from '../texts/index.js';
import { button, type View, view } from './view.js';

/** "✨ Идеи": one button per idea (one tap draws it), and other ideas. */
export function ideasView(t: Texts, avatar: Pick<Avatar, 'id' | 'name'>, ideas: IdeaId[]): View {
  const avatarId = avatar.id;
  return view(t.ideas.title(avatar.name), [
    ...ideas.map((idea) => [button(t.ideas.names[idea], { action: 'gen_idea', avatarId, idea })]),
    [button(t.ideas.more, { action: 'avatar_ideas', avatarId })],
  ]);
}
