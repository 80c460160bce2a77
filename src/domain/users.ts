import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { users } from '../db/schema.js';

export type TelegramUser = {
  id: number;
  first_name: string;
  last_name?: string | undefined;
  username?: string | undefined;
  language_code?: string | undefined;
};

export type User = typeof users.$inferSelect;

/** Creates the user on first contact and keeps names, language and chat current. */
export async function upsertUser(db: DbOrTx, from: TelegramUser, chatId: number): Promise<User> {
  const values = {
    telegramId: from.id,
    chatId,
    firstName: from.first_name,
    lastName: from.last_name ?? null,
    username: from.username ?? null,
    languageCode: from.language_code ?? null,
  };
  const [user] = await db
    .insert(users)
    .values(values)
    .onConflictDoUpdate({
      target: users.telegramId,
      set: {
        chatId: values.chatId,
        firstName: values.firstName,
        lastName: values.lastName,
        username: values.username,
        languageCode: values.languageCode,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  if (!user) throw new Error('user upsert returned no row');
  return user;
}
