import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { type Db, type DbOrTx, preparedStatement } from '../db/client.js';
import { processedUpdates, users } from '../db/schema.js';
import { type TelegramUser, type User, userFromJson } from './users.js';
import { type WizardState, wizardStateOf } from './wizard-state.js';

/**
 * Where an update happens, as far as the claim needs to know: a private chat
 * (groups and channels have neither users nor wizard steps), the person
 * writing in it, and whether the update leaves the chat's wizard step.
 */
export type UpdateSubject = { chatId: number; from: TelegramUser | null; leavesWizard: boolean } | null;

/** What handling a claimed update starts from: its user, the chat's wizard step, the step a command left. */
export type UpdatePreamble = { user: User | null; wizard: WizardState | null; leftStep: WizardState | null };

/**
 * `claimed`: handle it now, holding the claim by its `token` (when it was taken: a later claim of the same
 * update, after this one's lease ran out, has another); `done`: handled before (a redelivery); `busy`: being
 * handled right now elsewhere.
 */
export type ClaimResult = ({ claim: 'claimed'; token: string } & UpdatePreamble) | { claim: 'done' } | { claim: 'busy' };

type StepJson = { step: string; avatar_id: string | null; data: Record<string, unknown> };

/*
 * $1 bot, $2 update, $3 private chat or null, $4 person's Telegram id or null,
 * $5–$8 their names and language, $9 whether the update leaves the wizard step,
 * $10 the lease in seconds.
 * The person and the step are written only when the claim is won; `earlier`
 * reads the statement's snapshot, from before the claim.
 */
const claimStatement = preparedStatement<{
  claimed: boolean;
  token: string | null;
  done: boolean | null;
  person: Record<string, unknown> | null;
  step: StepJson | null;
  left_step: StepJson | null;
}>(
  'claim_update',
  `with claim as (
    insert into processed_updates (bot_id, update_id, lease_until) values ($1, $2, now() + make_interval(secs => $10::int))
    on conflict (bot_id, update_id) do update set lease_until = excluded.lease_until, processed_at = now()
    where processed_updates.done_at is null and processed_updates.lease_until < now()
    returning processed_at
  ), earlier as (
    select done_at from processed_updates where bot_id = $1 and update_id = $2
  ), person as (
    insert into users (telegram_id, chat_id, first_name, last_name, username, language_code)
    select $4::bigint, $3::bigint, $5::text, $6::text, $7::text, $8::text where $4 is not null and exists (select from claim)
    on conflict (telegram_id) do update set
      chat_id = excluded.chat_id, first_name = excluded.first_name, last_name = excluded.last_name,
      username = excluded.username, language_code = excluded.language_code, updated_at = now()
    where (users.chat_id, users.first_name, users.last_name, users.username, users.language_code)
      is distinct from (excluded.chat_id, excluded.first_name, excluded.last_name, excluded.username, excluded.language_code)
    returning *
  ), left_step as (
    delete from bot_state where chat_id = $3 and $9::boolean and exists (select from claim) returning step, avatar_id, data
  )
  select exists (select from claim) as claimed,
    (select processed_at::text from claim) as token,
    (select done_at is not null from earlier) as done,
    coalesce((select to_jsonb(person) from person), (select to_jsonb(users) from users where telegram_id = $4)) as person,
    (select to_jsonb(s) from (select step, avatar_id, data from bot_state where chat_id = $3 and not $9::boolean) s) as step,
    (select to_jsonb(left_step) from left_step) as left_step`,
);

/**
 * A new user's row that another update of theirs created while this statement
 * ran: unchanged, so not written here, and not in this statement's snapshot.
 */
async function concurrentlyCreated(db: Db, telegramId: number): Promise<User | null> {
  const [user] = await db.select().from(users).where(eq(users.telegramId, telegramId));
  return user ?? null;
}

const stateRow = (json: StepJson | null) => json && { step: json.step, avatarId: json.avatar_id, data: json.data };

/**
 * Claims an update for handling, as a lease: a new update, or one whose earlier
 * claim ran out unfinished (its process died), is claimed; one already handled
 * is `done`; one another request is handling now is `busy` (Telegram should
 * deliver it again later). In the same round trip, and only when the claim is
 * won, the user is created or kept current and the chat's wizard step is read
 * (or left): everything a handler needs before it answers.
 */
export async function claimUpdate(
  db: Db,
  botId: number,
  updateId: number,
  subject: UpdateSubject,
  leaseSeconds: number,
): Promise<ClaimResult> {
  const from = subject?.from;
  const [row] = await claimStatement(db, [
    botId,
    updateId,
    subject?.chatId ?? null,
    from?.id ?? null,
    from?.first_name ?? null,
    from?.last_name ?? null,
    from?.username ?? null,
    from?.language_code ?? null,
    subject?.leavesWizard ?? false,
    leaseSeconds,
  ]);
  if (!row?.claimed || !row.token) return row?.done ? { claim: 'done' } : { claim: 'busy' };
  return {
    claim: 'claimed',
    token: row.token,
    user: row.person ? userFromJson(row.person) : from ? await concurrentlyCreated(db, from.id) : null,
    wizard: wizardStateOf(stateRow(row.step)),
    leftStep: wizardStateOf(stateRow(row.left_step)),
  };
}

const finishStatement = preparedStatement(
  'finish_updates',
  'update processed_updates set done_at = now() where bot_id = $1 and update_id = any($2::bigint[])',
);

/** The updates were handled: later deliveries of them are duplicates. */
export async function finishUpdates(db: Db, botId: number, updateIds: number[]): Promise<void> {
  await finishStatement(db, [botId, updateIds]);
}

/**
 * Holds a claim for another lease while its handler runs: Telegram redelivers an update it got no answer
 * for within 60 s, and a redelivery must find it busy, not free to run again. Only this claim: false when
 * it is gone (finished, or taken over after its lease ran out).
 */
export async function extendClaim(db: Db, botId: number, updateId: number, token: string, leaseSeconds: number): Promise<boolean> {
  const rows = await db
    .update(processedUpdates)
    .set({ leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds}::int)` })
    .where(ownClaim(botId, updateId, token))
    .returning({ updateId: processedUpdates.updateId });
  return rows.length > 0;
}

/** Gives a claim back when handling could not happen, so Telegram's redelivery is handled; only this claim, never a later one's. */
export async function releaseUpdate(db: DbOrTx, botId: number, updateId: number, token: string): Promise<void> {
  await db.delete(processedUpdates).where(ownClaim(botId, updateId, token));
}

const ownClaim = (botId: number, updateId: number, token: string) =>
  and(
    eq(processedUpdates.botId, botId),
    eq(processedUpdates.updateId, updateId),
    eq(processedUpdates.processedAt, sql`${token}::timestamptz`),
    isNull(processedUpdates.doneAt),
  );

/** Telegram stops redelivering after 24 hours; older claims only take space. */
export async function pruneProcessedUpdates(db: DbOrTx, olderThan: Date): Promise<number> {
  const rows = await db
    .delete(processedUpdates)
    .where(lt(processedUpdates.processedAt, olderThan))
    .returning({ updateId: processedUpdates.updateId });
  return rows.length;
}
