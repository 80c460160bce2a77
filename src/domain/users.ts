import type { users } from '../db/schema.js';

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
    mainAvatarId: text(row.main_avatar_id),
    createdAt: new Date(String(row.created_at)),
    updatedAt: new Date(String(row.updated_at)),
  };
}
