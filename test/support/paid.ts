import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import type { Test } from 'tap';
import { avatars, balanceEntries, users } from '../../src/db/schema.js';
import { BOT_TOKEN, callbackUpdate, type From, postUpdate, type TestEnv } from './helper.js';
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

/** `npm run refund -- <args>` against the test's database and fake Bot API, as the operator runs it. */
export function runRefund(env: TestEnv, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/refund.ts', ...args], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: env.database.url,
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: 'x',
      TELEGRAM_API_ROOT: env.telegram.url,
    },
  }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );
}
