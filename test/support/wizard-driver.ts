import { eq } from 'drizzle-orm';
import { avatars, botState } from '../../src/db/schema.js';
import { jpeg } from './fixtures/images.js';
import { callbackUpdate, type From, photoUpdate, postUpdate, type TestEnv, textUpdate } from './helper.js';

/** Drives the bot like a user in a chat: the steps several test files share. */

export type Message = { message_id: number };

export const isTo = (from: From, prefix: string) => (p: Record<string, unknown>) =>
  p.chat_id === from.id && String(p.text ?? p.caption ?? '').startsWith(prefix);

export const sentTo = (env: TestEnv, from: From, prefix: string) =>
  env.telegram.callsOf('sendMessage').filter((c) => isTo(from, prefix)(c.payload));

/** Drives the wizard from the menu to the upload step; returns the draft avatar and its progress message. */
export async function startWizard(env: TestEnv, from: From, type: 'portrait' | 'style', name: string) {
  const { app, telegram } = env;
  const createButton = from.language_code === 'en' ? '➕ Create avatar' : '➕ Создать аватар';
  await postUpdate(app, textUpdate(createButton, from));
  const typeMessage = await telegram.waitFor('sendMessage', isTo(from, '🎭'));
  await postUpdate(app, callbackUpdate(`avatar_type:${type}`, (typeMessage.result as Message).message_id, from));
  if (type === 'portrait') await postUpdate(app, callbackUpdate('avatar_gender:female', (typeMessage.result as Message).message_id, from));
  await postUpdate(app, textUpdate(name, from));
  const progress = await telegram.waitFor('sendMessage', isTo(from, '📊'));
  const [avatar] = await env.deps.db.select().from(avatars).where(eq(avatars.name, name));
  if (!avatar) throw new Error('no draft avatar was created');
  return { avatarId: avatar.id, progressMessageId: (progress.result as Message).message_id };
}

/** Sends `count` distinct JPEGs as photos, one after the other. */
export async function uploadPhotos(env: TestEnv, from: From, count: number, prefix = 'p') {
  for (let i = 0; i < count; i++) {
    const fileId = `${prefix}-${from.id}-${i}`;
    env.telegram.addFile(fileId, await jpeg(1024, 1024, fileId));
    const res = await postUpdate(env.app, photoUpdate(fileId, from));
    if (res.statusCode !== 200) throw new Error(`photo ${i} answered ${res.statusCode}`);
  }
}

/** The text the progress message shows now (its last edit, or its first version). */
export function progressText(env: TestEnv, chatId: number, messageId: number): string {
  const edits = env.telegram.callsOf('editMessageText').filter((c) => c.payload.chat_id === chatId && c.payload.message_id === messageId);
  const last = edits.at(-1) ?? env.telegram.calls.find((c) => (c.result as Message | undefined)?.message_id === messageId);
  return String(last?.payload.text ?? '');
}

/**
 * Once a burst of photos settles, the progress comes down below them: waits for the message `shownId`
 * to be retired and returns the progress message that replaced it (the one the wizard points at).
 */
export async function progressBelow(env: TestEnv, from: From, shownId: number): Promise<number> {
  await env.telegram.waitFor('deleteMessage', (p) => p.chat_id === from.id && p.message_id === shownId);
  const [state] = await env.deps.db.select().from(botState).where(eq(botState.chatId, from.id));
  const id = Number((state?.data as { progressMessageId?: number } | undefined)?.progressMessageId);
  if (!(id > shownId)) throw new Error(`the progress did not move below message ${shownId}`);
  return id;
}

/** The text of the progress message the wizard points at once it shows `pattern` (bursts settle in the background). */
export async function settledProgress(env: TestEnv, from: From, pattern: RegExp, timeoutMs = 8000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [state] = await env.deps.db.select().from(botState).where(eq(botState.chatId, from.id));
    const id = Number((state?.data as { progressMessageId?: number } | undefined)?.progressMessageId);
    const text = progressText(env, from.id, id);
    if (pattern.test(text) || Date.now() > deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
