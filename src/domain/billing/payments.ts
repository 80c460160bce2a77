import { and, desc, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { starOffers, starPayments, users } from '../../db/schema.js';
import type { FormatName } from '../generation/request.js';
import { addEntry, balanceOf, currentBalance, lockUser } from './ledger.js';

/**
 * Telegram Stars top-ups. The bot offers packs (an offer row, named by the
 * invoice's payload); Telegram asks before taking the Stars (pre_checkout_query:
 * only our offers, to their user, at their price, while fresh) and reports the
 * payment once taken (successful_payment): it is recorded by its charge id, and
 * credited once.
 */

/** What the user was doing when the price stopped them: offered again once they have paid. */
export type Resume =
  | { kind: 'training'; avatarId: string }
  /** `englishPrompt`: the assistant's rewrite, kept so the resumed picture needs no second one (absent in older offers). */
  | { kind: 'generation'; avatarId: string; prompt: string; englishPrompt?: string | null; format: FormatName }
  /** A photo shoot: its confirmation is shown again. */
  | { kind: 'shoot'; avatarId: string; theme: string };

export const XTR = 'XTR';
/** An invoice older than this is refused at checkout: prices and packs may have changed. */
const OFFER_TTL_MS = 24 * 60 * 60 * 1000;

export async function createOffer(db: DbOrTx, userId: number, resume: Resume | null): Promise<string> {
  const [offer] = await db.insert(starOffers).values({ userId, resume }).returning({ id: starOffers.id });
  return offer!.id;
}

/** Offers older than `olderThan`: their invoices are refused at checkout, their resume buttons stale. */
export async function pruneOffers(db: DbOrTx, olderThan: Date): Promise<number> {
  const rows = await db.delete(starOffers).where(lt(starOffers.createdAt, olderThan)).returning({ id: starOffers.id });
  return rows.length;
}

/** The invoice payload: the offer and the pack (≤ 128 bytes, as Telegram allows). */
export const invoicePayload = (offerId: string, stars: number) => `${offerId}:${stars}`;

function parsePayload(payload: string): { offerId: string; stars: number } | null {
  const match = /^([0-9a-f-]{36}):(\d{1,6})$/.exec(payload);
  return match ? { offerId: match[1]!, stars: Number(match[2]) } : null;
}

/** What Telegram says about a payment, before (pre_checkout_query) and after (successful_payment) it. */
export type PaymentFacts = { telegramUserId: number; currency: string; totalAmount: number; payload: string };

/** Why a payment does not match an offer of ours. */
type Mismatch = 'unknown offer' | 'another user' | 'not Stars' | 'another amount' | 'expired offer' | 'not a pack';

async function mismatchOf(db: DbOrTx, facts: PaymentFacts, at: 'checkout' | 'paid', packs: readonly number[]) {
  const parsed = parsePayload(facts.payload);
  const [offer] = parsed
    ? await db
        .select({ offer: starOffers, telegramId: users.telegramId })
        .from(starOffers)
        .innerJoin(users, eq(users.id, starOffers.userId))
        .where(eq(starOffers.id, parsed.offerId))
    : [];
  const mismatch = ((): Mismatch | null => {
    if (!parsed || !offer) return 'unknown offer';
    if (offer.telegramId !== facts.telegramUserId) return 'another user';
    if (facts.currency !== XTR) return 'not Stars';
    if (facts.totalAmount !== parsed.stars) return 'another amount';
    // Once Telegram has taken the Stars, an offer that aged or a pack since withdrawn is still honoured.
    if (at === 'checkout' && offer.offer.createdAt.getTime() < Date.now() - OFFER_TTL_MS) return 'expired offer';
    if (at === 'checkout' && !packs.includes(parsed.stars)) return 'not a pack';
    return null;
  })();
  return { mismatch, offer: offer?.offer ?? null };
}

/** The answer to a pre_checkout_query: ok only for a fresh offer of ours, to its user, at its price. */
export async function checkCheckout(db: DbOrTx, facts: PaymentFacts, packs: readonly number[]): Promise<Mismatch | null> {
  return (await mismatchOf(db, facts, 'checkout', packs)).mismatch;
}

export type PaymentResult =
  | { credited: true; amount: number; balance: number; offerId: string; resume: Resume | null }
  /** Telegram delivered the same payment again: it was recorded (and credited, if it matched) the first time. */
  | { credited: false; duplicate: true }
  /** Recorded for the operator, nothing credited (`npm run refund` gives the Stars back). */
  | { credited: false; duplicate: false; problem: Mismatch };

/**
 * A successful_payment: recorded by its charge id, then credited once, in one
 * transaction — however often Telegram delivers it.
 */
export async function recordPayment(
  db: Db,
  payment: PaymentFacts & { chargeId: string },
  config: { freeCredits: number },
): Promise<PaymentResult> {
  return db.transaction(async (tx) => {
    const { mismatch, offer } = await mismatchOf(tx, payment, 'paid', []);
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.telegramId, payment.telegramUserId));
    const recorded = await tx
      .insert(starPayments)
      .values({
        chargeId: payment.chargeId,
        telegramUserId: payment.telegramUserId,
        userId: user?.id ?? null,
        offerId: offer?.id ?? null,
        amount: payment.totalAmount,
        currency: payment.currency,
        payload: payment.payload,
        problem: mismatch,
      })
      .onConflictDoNothing()
      .returning({ chargeId: starPayments.chargeId });
    if (recorded.length === 0) return { credited: false, duplicate: true };
    if (mismatch || !offer) return { credited: false, duplicate: false, problem: mismatch ?? 'unknown offer' };
    await lockUser(tx, offer.userId);
    await addEntry(tx, {
      userId: offer.userId,
      key: `payment:${payment.chargeId}`,
      kind: 'payment',
      amount: payment.totalAmount,
    });
    const balance = await currentBalance(tx, offer.userId, config.freeCredits);
    return { credited: true, amount: payment.totalAmount, balance, offerId: offer.id, resume: (offer.resume as Resume | null) ?? null };
  });
}

/** The offer's resume, once: a second press of its button finds nothing. */
export async function takeResume(db: DbOrTx, offerId: string, userId: number): Promise<Resume | null> {
  const [offer] = await db
    .update(starOffers)
    .set({ resumedAt: new Date() })
    .where(and(eq(starOffers.id, offerId), eq(starOffers.userId, userId), isNull(starOffers.resumedAt)))
    .returning({ resume: starOffers.resume });
  return (offer?.resume as Resume | null | undefined) ?? null;
}

export type StarPayment = typeof starPayments.$inferSelect;

/** The user's payments of the last 90 days, newest first (for /paysupport). */
export async function recentPayments(db: DbOrTx, telegramUserId: number, limit = 5): Promise<StarPayment[]> {
  return db
    .select()
    .from(starPayments)
    .where(and(eq(starPayments.telegramUserId, telegramUserId), gt(starPayments.createdAt, new Date(Date.now() - 90 * 86_400_000))))
    .orderBy(desc(starPayments.createdAt))
    .limit(limit);
}

async function paymentOf(db: DbOrTx, chargeId: string): Promise<StarPayment | undefined> {
  const [payment] = await db.select().from(starPayments).where(eq(starPayments.chargeId, chargeId));
  return payment;
}

export type OperatorRefund =
  | { ok: true; payment: StarPayment; balance: number | null }
  | { ok: false; why: 'unknown' | 'already refunded' }
  /** The user spent what the payment credited: refunding would take the balance below zero. */
  | { ok: false; why: 'spent'; payment: StarPayment; balance: number };

/**
 * The operator gives a payment back (npm run refund). Under the user's row lock — the lock a start
 * takes to charge its price — the balance is checked, Telegram gives the Stars back (`giveBack`),
 * and what the payment credited comes off the ledger, in one transaction: Stars spent while the
 * operator looked are seen, and refused unless `force`. Returns the balance after.
 */
export async function refundPayment(
  db: Db,
  chargeId: string,
  options: { force: boolean; giveBack: (payment: StarPayment) => Promise<void> },
): Promise<OperatorRefund> {
  return db.transaction(async (tx) => {
    const found = await paymentOf(tx, chargeId);
    if (found?.userId) await lockUser(tx, found.userId);
    // Read again under the lock: a refund or a payment's credit that committed meanwhile is seen.
    const payment = found && (await paymentOf(tx, chargeId));
    if (!payment) return { ok: false, why: 'unknown' };
    if (payment.refundedAt) return { ok: false, why: 'already refunded' };
    const credited = payment.problem === null && payment.userId !== null;
    const balance = credited ? await balanceOf(tx, payment.userId!) : null;
    if (balance !== null && balance < payment.amount && !options.force) return { ok: false, why: 'spent', payment, balance };
    await options.giveBack(payment);
    await markRefunded(tx, payment);
    return { ok: true, payment, balance: credited ? await balanceOf(tx, payment.userId!) : null };
  });
}

/** Telegram gave the Stars back: the payment is marked, and what it credited is taken off the balance, once. */
async function markRefunded(db: DbOrTx, payment: StarPayment): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(starPayments).set({ refundedAt: new Date() }).where(eq(starPayments.chargeId, payment.chargeId));
    if (payment.problem === null && payment.userId !== null) {
      await addEntry(tx, {
        userId: payment.userId,
        key: `payment-refund:${payment.chargeId}`,
        kind: 'payment_refund',
        amount: -payment.amount,
      });
    }
  });
}

export type TelegramRefund =
  | { outcome: 'unknown' }
  /** What the payment credited is off the balance (now, or by `npm run refund` before). */
  | { outcome: 'taken off'; amount: number; balance: number; languageCode: string | null }
  /** The payment matched no offer: nothing was credited, nothing is taken off. */
  | { outcome: 'not credited'; amount: number };

/**
 * Telegram's refunded_payment message: the payment is marked refunded and what
 * it credited taken off the balance, once — whether `npm run refund` did that
 * already, died between Telegram's answer and the ledger, or the refund was made
 * some other way.
 */
export async function recordRefund(db: Db, chargeId: string): Promise<TelegramRefund> {
  const payment = await paymentOf(db, chargeId);
  if (!payment) return { outcome: 'unknown' };
  if (!payment.refundedAt) await markRefunded(db, payment);
  if (payment.problem !== null || payment.userId === null) return { outcome: 'not credited', amount: payment.amount };
  const [payer] = await db.select({ languageCode: users.languageCode }).from(users).where(eq(users.id, payment.userId));
  return {
    outcome: 'taken off',
    amount: payment.amount,
    balance: await balanceOf(db, payment.userId),
    languageCode: payer?.languageCode ?? null,
  };
}
