import type { Avatar } from '../../domain/avatars.js';
import { clip } from '../texts/format.js';
import type { Texts } from '../texts/index.js';
import { button, type View, view } from './view.js';

/** A typed prompt that costs Stars: what it would draw, its price and the balance, before anything is charged. */
export function promptPriceView(t: Texts, avatar: Pick<Avatar, 'id' | 'name'>, prompt: string, price: number, balance: number): View {
  return view(t.gen.promptPrice(avatar.name, clip(prompt, 200), price, balance), [
    [button(t.gen.drawFor(price), { action: 'gen_confirm', avatarId: avatar.id })],
    [button(t.gen.dontDraw, { action: 'gen_skip', avatarId: avatar.id })],
  ]);
}
