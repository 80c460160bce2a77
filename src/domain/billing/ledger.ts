import { desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { balanceEntries, users } from '../../db/schema.js';

/**
 * The Stars ledger (docs/invariants.md, "Money moves once"): a balance is the
 * sum of its entries, and every entry has a key naming its cause, so a credit,
 * a charge or a refund is written once however often its cause is delivered.
 */

export type EntryKind =
  | 'free_credits'
  | 'payment'
  | 'training'
  | 'generation'
  /** A photo shoot, charged once for all its pictures. */
  | 'shoot'
  | 'refund'
  /** A lost submit FAL queued after all, whose price had been refunded: it is charged again. */
  | 'late_charge'
  /** The operator gave a payment's Stars back through Telegram (`npm run refund`). */
  | 'payment_refund';

export type Entry = typeof balanceEntries.$inferSelect;

/** The ledger keys of a training attempt's and a generation's charges. */
export const trainingChargeKey = (submitKey: string) => `training:${submitKey}`;
export const generationChargeKey = (generationId: string) => `generation:${generationId}`;
export const lateChargeKey = (chargeKey: string) => `late:${chargeKey}`;
export const shootChargeKey = (setId: string) => `shoot:${setId}`;
const refundKey = (chargeKey: string) => `refund:${chargeKey}`;

export async function balanceOf(db: DbOrTx, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`coalesce(sum(${balanceEntries.amount}), 0)::int` })
    .from(balanceEntries)
    .where(eq(balanceEntries.userId, userId));
  return row?.n ?? 0;
}

/** Writes one change of a balance, once: false when an entry with its key exists already. */
export async function addEntry(
  db: DbOrTx,
  entry: { userId: number; key: string; kind: EntryKind; amount: number; note?: string | null },
): Promise<boolean> {
  const rows = await db.insert(balanceEntries).values(entry).onConflictDoNothing().returning({ id: balanceEntries.id });
  return rows.length === 1;
}

/** A user's free credits, credited once, the first time their balance is needed. */
async function grantFreeCredits(db: DbOrTx, userId: number, amount: number): Promise<void> {
  if (amount > 0) await addEntry(db, { userId, key: `free:${userId}`, kind: 'free_credits', amount });
}

/** The balance as the user sees it: their free credits granted first (once), then the sum. */
export async function currentBalance(db: DbOrTx, userId: number, freeCredits: number): Promise<number> {
  await grantFreeCredits(db, userId, freeCredits);
  return balanceOf(db, userId);
}

/** Locks the user's row for the transaction: what they may start is counted under it. */
export async function lockUser(tx: DbOrTx, userId: number): Promise<void> {
  await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
}

/**
 * Gives a charge back, once: the refund mirrors the charge. Returns the Stars
 * refunded now — 0 when nothing was charged (a free run) or it was refunded before.
 */
export async function refundCharge(db: DbOrTx, chargeKey: string): Promise<number> {
  const rows = await db.execute<{ amount: number }>(sql`
    insert into ${balanceEntries} (user_id, key, kind, amount, note)
    select user_id, ${refundKey(chargeKey)}, 'refund', -amount, note from ${balanceEntries}
    where key = ${chargeKey} and amount < 0
    on conflict (key) do nothing
    returning amount`);
  return rows.rows[0]?.amount ?? 0;
}

/** What a charge took and no refund has given back yet (0 for none, or one refunded). */
export async function outstandingCharge(db: DbOrTx, chargeKey: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`coalesce(sum(${balanceEntries.amount}), 0)::int` })
    .from(balanceEntries)
    .where(inArray(balanceEntries.key, [chargeKey, refundKey(chargeKey)]));
  return Math.max(0, -(row?.n ?? 0));
}

/** What a paid action took and what the balance holds after it, as the user is told. */
export type Receipt = { taken: number; left: number };

/** The receipt of a charge, or null when it took nothing (the action was free, or it was refunded). */
export async function receiptOf(db: DbOrTx, userId: number, chargeKey: string): Promise<Receipt | null> {
  const taken = await outstandingCharge(db, chargeKey);
  return taken > 0 ? { taken, left: await balanceOf(db, userId) } : null;
}

/** Takes back a refund of a charge (the job ran after all), once. */
export async function chargeAgain(db: DbOrTx, chargeKey: string): Promise<void> {
  await db.execute(sql`
    insert into ${balanceEntries} (user_id, key, kind, amount, note)
    select user_id, ${lateChargeKey(chargeKey)}, 'late_charge', -amount, note from ${balanceEntries}
    where key = ${refundKey(chargeKey)}
    on conflict (key) do nothing`);
}

/** The latest movements, newest first. */
export async function recentEntries(db: DbOrTx, userId: number, limit = 10): Promise<Entry[]> {
  return db
    .select()
    .from(balanceEntries)
    .where(eq(balanceEntries.userId, userId))
    .orderBy(desc(balanceEntries.createdAt), desc(balanceEntries.id))
    .limit(limit);
}
