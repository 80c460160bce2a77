import { eq } from 'drizzle-orm';
import type { Test } from 'tap';
import { avatars, balanceEntries, users } from '../../src/db/schema.js';
import { callbackUpdate, type From, postUpdate, type TestEnv } from './helper.js';
import { seedAvatar, userOf } from './seed.js';

/** Stars prices for tests of charges and refunds, and a user's ledger as the database holds it. */

export const PRICES = { PRICE_TRAINING: '100', PRICE_GENERATION: '5', STAR_PACKS: '100,300' };

export async function entriesOf(env: TestEnv, from: From) {
  const [user] = await env.deps.db.select().from(users).where(eq(users.telegramId, from.id));
  return env.deps.db.select().from(balanceEntries).where(eq(balanceEntries.userId, user!.id)).orderBy(balanceEntries.id);
}
export const balanceOf = async (env: TestEnv, from: From) => (await entriesOf(env, from)).reduce((sum, e) => sum + e.amount, 0);

export async function seedAvatarStatus(env: TestEnv, id: string) {
  const [row] = await env.deps.db.select({ status: avatars.status }).from(avatars).where(eq(avatars.id, id));
  return row?.status;
}

/** A user with Stars on the balance (their free credits), and a training of theirs submitted and running at FAL. */
export async function paidTraining(t: Test, env: TestEnv, from: From, name: string) {
  const user = await userOf(env, from);
  const avatar = await seedAvatar(env, user.id, name, 'ready', new Date());
  const before = env.fal.state.submissions.length;
  await postUpdate(env.app, callbackUpdate(`avatar_train:${avatar.id}`, 3, from));
  const submission = await env.fal.waitForSubmission(before + 1);
  await env.deps.tasks.drain(10_000);
  t.match((await entriesOf(env, from)).at(-1), { kind: 'training', amount: -100, note: name }, 'the price is taken at the start');
  return { avatar, requestId: submission.requestId };
}
