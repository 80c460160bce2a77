import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { supportMessages } from '../db/schema.js';

/** Keeps a message for support, once per update; null when this update was recorded already (a redelivery). */
export async function recordSupportMessage(
  db: DbOrTx,
  input: { userId: number | null; chatId: number; updateId: number; text: string },
): Promise<number | null> {
  const [row] = await db.insert(supportMessages).values(input).onConflictDoNothing().returning({ id: supportMessages.id });
  return row?.id ?? null;
}

/** The message reached SUPPORT_CHAT_ID. */
export async function markSupportForwarded(db: DbOrTx, id: number): Promise<void> {
  await db.update(supportMessages).set({ forwardedAt: new Date() }).where(eq(supportMessages.id, id));
}
