import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.js';
import { avatars, notifications, users } from '../db/schema.js';
import { limiter } from '../runtime/limiter.js';
import type { GenerationFailure } from './generation/result.js';
import type { FailureCode } from './training/result.js';

/** Why a training failed, as the user is told: FAL's failures, or a submission a crash interrupted. */
export type TrainingFailureNotice = FailureCode | 'submit_interrupted';

/** What a message says; the bot renders it in the user's language when it is sent. */
export type NotificationPayload =
  | { type: 'training_completed'; avatarId: string; avatarName: string; languageCode: string | null }
  /** The user stopped it, and FAL ended it without a result. `refunded`: Stars given back (absent when free). */
  | { type: 'training_cancelled'; avatarId: string; avatarName: string; languageCode: string | null; refunded?: number }
  | {
      type: 'training_failed';
      avatarId: string;
      avatarName: string;
      languageCode: string | null;
      code: TrainingFailureNotice;
      refunded?: number;
    }
  | { type: 'generation_completed'; generationId: string; avatarName: string; languageCode: string | null }
  | {
      type: 'generation_failed';
      generationId: string;
      avatarName: string;
      languageCode: string | null;
      code: GenerationFailure;
      refunded?: number;
    }
  /** A photo shoot's progress ("12/20 готово"), edited into its message. */
  | { type: 'set_progress'; setId: string; avatarName: string; languageCode: string | null }
  /** The n-th ten of a finished set's pictures, as one album. */
  | { type: 'set_album'; setId: string; avatarName: string; languageCode: string | null; album: number }
  /** 👍/👎 buttons for the pictures of a shoot's n-th album. */
  | { type: 'set_votes'; setId: string; avatarName: string; languageCode: string | null; album: number }
  /** A shoot ended: what came, what failed and the Stars its failures gave back. */
  | {
      type: 'set_done';
      setId: string;
      avatarName: string;
      languageCode: string | null;
      delivered: number;
      failed: number;
      refunded: number;
    }
  /** The bot was written to in a group or a channel: it works in private chats only. */
  | { type: 'private_only'; languageCode: string | null };

export type Notification = Omit<typeof notifications.$inferSelect, 'payload'> & { payload: NotificationPayload };

type SendResult =
  | { ok: true; messageId: number }
  /** Telegram asked us to slow down (429). */
  | { ok: false; retryAfterSeconds: number; error: string }
  /** It will never be delivered (the user blocked the bot, the chat is gone). */
  | { ok: false; permanent: true; error: string }
  | { ok: false; error: string };

export type Sender = (notification: Notification) => Promise<SendResult>;

/**
 * Writes the message a state change causes, in the same transaction as the
 * change (docs/invariants.md, "Nothing is lost on a crash"). The dedupe key makes a second write of the same
 * message a no-op.
 */
export async function enqueueNotification(
  tx: DbOrTx,
  input: { chatId: number; dedupeKey: string; payload: NotificationPayload },
): Promise<boolean> {
  const rows = await tx
    .insert(notifications)
    .values({ chatId: input.chatId, kind: input.payload.type, payload: input.payload, dedupeKey: input.dedupeKey })
    .onConflictDoNothing()
    .returning({ id: notifications.id });
  return rows.length === 1;
}

/** Who a message about an avatar's work goes to: the owner's chat and language, and the avatar's name. */
export async function recipientOf(tx: DbOrTx, owner: { userId: number; avatarId: string }) {
  const [row] = await tx
    .select({ chatId: users.chatId, languageCode: users.languageCode, avatarName: avatars.name })
    .from(users)
    .innerJoin(avatars, eq(avatars.id, owner.avatarId))
    .where(eq(users.id, owner.userId));
  return row ?? null;
}

/** Tells a group or channel, once ever, that the bot works in private chats. True when the message is new. */
export async function notifyPrivateOnly(db: DbOrTx, chatId: number, languageCode: string | null): Promise<boolean> {
  return enqueueNotification(db, { chatId, dedupeKey: `private-only:${chatId}`, payload: { type: 'private_only', languageCode } });
}

export type DrainResult = { sent: number; retried: number; dead: number };

const LEASE = '2 minutes';
/** Messages one drain claims at most; a full batch means more may be waiting. */
export const DRAIN_BATCH = 50;
const MAX_ATTEMPTS = 8;
/** Waits for Telegram's retry_after up to this long inside one drain; longer waits are scheduled. */
const MAX_INLINE_WAIT_S = 10;
/** Chats sent to at once by one drain: a burst of completions is not sent one by one, nor all at once into a 429. */
const CHATS_AT_ONCE = 8;

const backoffSeconds = (attempts: number) => Math.min(30 * 2 ** (attempts - 1), 3600);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends what is due. Rows are claimed with SKIP LOCKED and a lease (two drains
 * never send the same row; a drain that dies releases its rows when the lease
 * ends), and each is marked sent the moment Telegram accepts it.
 */
export async function drainOutbox(db: Db, send: Sender, options: { limit?: number } = {}): Promise<DrainResult> {
  const result: DrainResult = { sent: 0, retried: 0, dead: 0 };
  const due = db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(isNull(notifications.sentAt), isNull(notifications.deadAt), lte(notifications.nextAttemptAt, sql`now()`)))
    .orderBy(notifications.id)
    .limit(options.limit ?? DRAIN_BATCH)
    .for('update', { skipLocked: true });
  const claimed = await db
    .update(notifications)
    .set({ attempts: sql`${notifications.attempts} + 1`, nextAttemptAt: sql`now() + ${LEASE}::interval` })
    .where(inArray(notifications.id, due))
    .returning();
  claimed.sort((a, b) => a.id - b.id);
  const deliver = async (notification: Notification) => {
    let outcome = await send(notification);
    for (
      let wait = 0;
      !outcome.ok && 'retryAfterSeconds' in outcome && outcome.retryAfterSeconds <= MAX_INLINE_WAIT_S && wait < 3;
      wait++
    ) {
      await sleep(outcome.retryAfterSeconds * 1000);
      outcome = await send(notification);
    }
    const mine = and(eq(notifications.id, notification.id), sql`${notifications.sentAt} is null`);
    if (outcome.ok) {
      await db.update(notifications).set({ sentAt: new Date(), sentMessageId: outcome.messageId, lastError: null }).where(mine);
      result.sent += 1;
    } else if ('permanent' in outcome || notification.attempts >= MAX_ATTEMPTS) {
      await db.update(notifications).set({ deadAt: new Date(), lastError: outcome.error }).where(mine);
      result.dead += 1;
    } else {
      const delay = 'retryAfterSeconds' in outcome ? outcome.retryAfterSeconds : backoffSeconds(notification.attempts);
      await db
        .update(notifications)
        .set({ nextAttemptAt: new Date(Date.now() + delay * 1000), lastError: outcome.error })
        .where(mine);
      result.retried += 1;
    }
  };
  // Chats in parallel (a few at a time), each chat's messages in the order they were written.
  const chats = new Map<number, Notification[]>();
  for (const row of claimed) {
    const notification = row as Notification;
    chats.set(notification.chatId, [...(chats.get(notification.chatId) ?? []), notification]);
  }
  const slot = limiter(CHATS_AT_ONCE);
  await Promise.all(
    [...chats.values()].map((messages) =>
      slot(async () => {
        for (const notification of messages) await deliver(notification);
      }),
    ),
  );
  return result;
}
