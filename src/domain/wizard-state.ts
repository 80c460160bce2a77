import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { botState } from '../db/schema.js';

/** Where a chat is in the avatar wizard. Kept in the database: a restart loses nothing. */
export type WizardState =
  | { step: 'choose_type' }
  | { step: 'choose_gender'; type: 'portrait' }
  | { step: 'enter_name'; type: 'portrait' | 'style'; gender: 'male' | 'female' | null }
  | { step: 'upload_photos'; avatarId: string; progressMessageId: number | null }
  | { step: 'review'; avatarId: string }
  | { step: 'rename'; avatarId: string }
  | { step: 'enter_prompt'; avatarId: string; format: 'portrait' | 'square' | 'story' | 'cinema' }
  /** After /paysupport: the next text is for support, not a prompt. */
  | { step: 'support' }
  /** A typed prompt that costs Stars, waiting for the user to agree to its price. */
  | { step: 'confirm_prompt'; avatarId: string; prompt: string };

const STEPS_WITH_AVATAR = new Set(['upload_photos', 'review', 'rename', 'enter_prompt', 'confirm_prompt']);

type StateRow = Pick<typeof botState.$inferSelect, 'step' | 'avatarId' | 'data'>;

/** A stored row as the step it names. */
export function wizardStateOf(row: StateRow | undefined | null): WizardState | null {
  if (!row) return null;
  // A step about an avatar that has been deleted since (the reference is nulled) is over.
  if (STEPS_WITH_AVATAR.has(row.step) && !row.avatarId) return null;
  return { step: row.step, ...row.data, ...(row.avatarId ? { avatarId: row.avatarId } : {}) } as WizardState;
}

export async function getWizardState(db: DbOrTx, chatId: number): Promise<WizardState | null> {
  const [row] = await db.select().from(botState).where(eq(botState.chatId, chatId));
  return wizardStateOf(row);
}

export async function setWizardState(db: DbOrTx, chatId: number, state: WizardState): Promise<void> {
  const { step, ...rest } = state;
  const avatarId = 'avatarId' in rest ? rest.avatarId : null;
  const data = Object.fromEntries(Object.entries(rest).filter(([key]) => key !== 'avatarId'));
  await db
    .insert(botState)
    .values({ chatId, step, avatarId, data })
    .onConflictDoUpdate({ target: botState.chatId, set: { step, avatarId, data, updatedAt: new Date() } });
}

/**
 * Points the chat's upload step at a new progress message, if it still points
 * at `goneId`; returns the message the step points at afterwards (another
 * handler's replacement may have won), or null when the chat left the step.
 */
export async function replaceProgressMessage(db: DbOrTx, chatId: number, goneId: number, freshId: number): Promise<number | null> {
  const [replaced] = await db
    .update(botState)
    .set({ data: sql`jsonb_set(${botState.data}, '{progressMessageId}', ${String(freshId)}::jsonb)`, updatedAt: new Date() })
    .where(
      and(
        eq(botState.chatId, chatId),
        eq(botState.step, 'upload_photos'),
        sql`(${botState.data}->>'progressMessageId')::bigint = ${goneId}`,
      ),
    )
    .returning({ chatId: botState.chatId });
  if (replaced) return freshId;
  const state = await getWizardState(db, chatId);
  return state?.step === 'upload_photos' ? state.progressMessageId : null;
}

export async function clearWizardState(db: DbOrTx, chatId: number): Promise<void> {
  await db.delete(botState).where(eq(botState.chatId, chatId));
}
