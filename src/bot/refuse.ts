import { createOffer, type Resume } from '../domain/billing/payments.js';
import type { Refusal } from '../domain/limits.js';
import type { BotDeps } from './bot-deps.js';
import type { BotContext } from './context.js';
import { limitText, notEnoughStarsView } from './views/refusal.js';

/**
 * Tells the user which limit stopped them; when it is the balance, offers the
 * top-up packs, remembering what they were doing so it can go on once paid.
 */
export async function refuse(ctx: BotContext, deps: BotDeps, refusal: Refusal, resume: Resume) {
  if (refusal.reason !== 'balance') return ctx.reply(limitText(ctx.t, refusal));
  if (!ctx.user) return;
  const offerId = await createOffer(deps.db, ctx.user.id, resume);
  const v = notEnoughStarsView(ctx.t, resume.kind, refusal, offerId, deps.config.billing.packs);
  return ctx.reply(v.text, v.markup);
}
