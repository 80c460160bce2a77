import { eq } from 'drizzle-orm';
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

/** A `users` row as `to_jsonb` gives it. */
export function userFromJson(row: Record<string, unknown>): User {
  const text = (value: unknown) => (value == null ? null : String(value));
  return {
    id: Number(row.id),
    telegramId: Number(row.telegram_id),
    chatId: Number(row.chat_id),
    firstName: text(row.first_name),
    lastName: text(row.last_name),
    username: text(row.username),
    languageCode: text(row.language_code),
    generationFormat: text(row.generation_format),
    promptPriceAgreedAt: row.prompt_price_agreed_at == null ? null : new Date(String(row.prompt_price_agreed_at)),
    mainAvatarId: text(row.main_avatar_id),
    createdAt: new Date(String(row.created_at)),
    updatedAt: new Date(String(row.updated_at)),
  };
}

/** How long a user's "yes" to a typed prompt's price holds: one conversation. */
const PRICE_AGREEMENT_MS = 30 * 60 * 1000;

/** Whether the user agreed to a typed prompt's price in this conversation. */
export const agreedToPromptPrice = (user: { promptPriceAgreedAt: Date | null }) =>
  user.promptPriceAgreedAt !== null && Date.now() - user.promptPriceAgreedAt.getTime() < PRICE_AGREEMENT_MS;

/** The user agreed to pay for typed prompts (again): the conversation goes on without asking. */
export async function agreeToPromptPrice(db: DbOrTx, userId: number): Promise<void> {
  await db.update(users).set({ promptPriceAgreedAt: new Date() }).where(eq(users.id, userId));
}
