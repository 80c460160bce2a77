import type { Refusal } from '../../domain/limits.js';
import type { Texts } from '../texts/index.js';
import type { Paid } from '../texts/types.js';
import { button, type View, view } from './view.js';

type LimitRefusal = Exclude<Refusal, { reason: 'balance' }>;

/** Which limit stopped the user, and when it frees up. */
export function limitText(t: Texts, refusal: LimitRefusal): string {
  if (refusal.reason === 'avatars') return t.limits.avatars(refusal.max);
  const wait = t.duration(refusal.freesAt.getTime() - Date.now());
  if (refusal.reason === 'daily') return t.limits.daily({ max: refusal.max, in: wait });
  return t.limits.inFlight({ max: refusal.max, running: refusal.running, in: wait });
}

/** The packs of an offer as buttons, three to a row. */
export function topUpView(t: Texts, text: string, offerId: string, packs: readonly number[]): View {
  const buttons = packs.map((stars) => button(t.stars.pack(stars), { action: 'stars_buy', offerId, stars }));
  const rows = [];
  for (let i = 0; i < buttons.length; i += 3) rows.push(buttons.slice(i, i + 3));
  return view(text, rows);
}

/** Too few Stars for `what`: the price, the balance, and the packs. */
export function notEnoughStarsView(
  t: Texts,
  what: Paid,
  refusal: Extract<Refusal, { reason: 'balance' }>,
  offerId: string,
  packs: readonly number[],
) {
  return topUpView(t, t.stars.notEnough({ what, price: refusal.price, balance: refusal.balance }), offerId, packs);
}
