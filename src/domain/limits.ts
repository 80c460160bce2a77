import { and, asc, count, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { DbOrTx } from '../db/client.js';
import { avatars, trainingRuns } from '../db/schema.js';
import { currentBalance } from './billing/ledger.js';
import { expectedSeconds } from './training/presets.js';

/**
 * What one user may start (docs/invariants.md, "Limits hold under parallel
 * taps"). Every check runs in the transaction that starts the thing, after the
 * user's row is locked (ledger.ts lockUser): two taps at once are counted one
 * after the other.
 */

export type LimitsConfig = Pick<Config, 'limits' | 'billing' | 'training' | 'fal'>;

/** Which limit stopped the user, with what the bot needs to say when it frees up. */
export type Refusal =
  | { reason: 'avatars'; max: number }
  | { reason: 'in_flight'; max: number; running: string; freesAt: Date }
  | { reason: 'daily'; max: number; freesAt: Date }
  | { reason: 'balance'; price: number; balance: number };

export type AvatarRefusal = Extract<Refusal, { reason: 'avatars' }>;

const DAY_MS = 24 * 60 * 60 * 1000;
const IN_FLIGHT = ['submitting', 'training'] as const;

export async function checkAvatarLimit(tx: DbOrTx, userId: number, max: number): Promise<AvatarRefusal | null> {
  const [row] = await tx.select({ n: count() }).from(avatars).where(eq(avatars.userId, userId));
  return (row?.n ?? 0) >= max ? { reason: 'avatars', max } : null;
}

/** Trainings in flight, then trainings started in the last 24 hours that were not given back. */
export async function checkTrainingLimits(tx: DbOrTx, userId: number, config: LimitsConfig): Promise<Refusal | null> {
  const { trainingsInFlightPerUser, trainingsPerDayPerUser } = config.limits;
  const running = await tx
    .select({ name: avatars.name, startedAt: avatars.trainingStartedAt, updatedAt: avatars.updatedAt, preset: avatars.trainingPreset })
    .from(avatars)
    .where(and(eq(avatars.userId, userId), inArray(avatars.status, [...IN_FLIGHT])))
    .orderBy(asc(avatars.updatedAt));
  if (running.length >= trainingsInFlightPerUser) {
    const first = running[0]!;
    const expected = expectedSeconds(config, { trainingPreset: first.preset })[1];
    const freesAt = new Date((first.startedAt ?? first.updatedAt).getTime() + expected * 1000);
    return { reason: 'in_flight', max: trainingsInFlightPerUser, running: first.name, freesAt };
  }
  return dailyTrainingRefusal(tx, userId, trainingsPerDayPerUser);
}

/**
 * The day's trainings are used up: when the next one may start. Also asked before a new avatar's
 * photos are uploaded, so nobody prepares ten photos to learn the limit only at the end.
 */
export async function dailyTrainingRefusal(
  tx: DbOrTx,
  userId: number,
  trainingsPerDayPerUser: number,
): Promise<Extract<Refusal, { reason: 'daily' }> | null> {
  const today = await tx
    .select({ startedAt: trainingRuns.startedAt })
    .from(trainingRuns)
    .where(and(eq(trainingRuns.userId, userId), gt(trainingRuns.startedAt, new Date(Date.now() - DAY_MS)), isNull(trainingRuns.releasedAt)))
    .orderBy(asc(trainingRuns.startedAt));
  if (today.length >= trainingsPerDayPerUser) {
    // The oldest of the counted attempts leaves the 24-hour window first.
    const oldest = today[today.length - trainingsPerDayPerUser]!;
    return { reason: 'daily', max: trainingsPerDayPerUser, freesAt: new Date(oldest.startedAt.getTime() + DAY_MS) };
  }
  return null;
}

/** Enough Stars for `price` (the user's free credits are granted first, once). */
export async function checkBalance(tx: DbOrTx, userId: number, price: number, config: Pick<Config, 'billing'>): Promise<Refusal | null> {
  if (price <= 0) return null;
  const balance = await currentBalance(tx, userId, config.billing.freeCredits);
  return balance < price ? { reason: 'balance', price, balance } : null;
}
