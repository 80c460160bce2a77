import { eq } from 'drizzle-orm';
import { Markup, type Telegram, TelegramError } from 'telegraf';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { generations } from '../db/schema.js';
import { storeGenerationImages } from '../domain/generation.js';
import type { Notification, Sender } from '../domain/notifications.js';
import { rewriteFalUrl } from '../fal/fal-client.js';
import type { Storage } from '../storage/storage.js';
import { callbackData as cb } from './callback-data.js';
import { langOf, texts } from './texts.js';

export type SenderDeps = { db: Db; storage: Storage; config: Pick<Config, 'fal'> };

const MAX_IMAGE_BYTES = 30 * 1024 * 1024;

/** What the message was about no longer exists (the avatar was deleted since): nothing to send, ever. */
class GoneError extends Error {
  override name = 'GoneError';
}

/** Downloads a generated picture from FAL's CDN (through FAL_BASE_URL when set). */
export function imageFetcher(config: Pick<Config, 'fal'>) {
  return async (url: string): Promise<Buffer> => {
    const target = rewriteFalUrl(url, config.fal.baseUrl);
    const response = await fetch(target, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok) throw new Error(`image download answered HTTP ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > MAX_IMAGE_BYTES) throw new Error(`image is ${bytes.length} bytes`);
    return bytes;
  };
}

type Rendered = { text: string; markup: ReturnType<typeof Markup.inlineKeyboard> };

function renderTraining(notification: Notification): Rendered | null {
  const p = notification.payload;
  const t = texts[langOf(p.languageCode)];
  if (p.type === 'training_completed') {
    return {
      text: t.trainingReady(p.avatarName),
      markup: Markup.inlineKeyboard([
        [Markup.button.callback(t.generateButton, cb({ action: 'avatar_generate', avatarId: p.avatarId }))],
        [Markup.button.callback(t.menu.myAvatars, cb({ action: 'gallery_open' }))],
      ]),
    };
  }
  if (p.type === 'training_failed') {
    return {
      text: t.trainingFailed(p.avatarName, p.code),
      markup: Markup.inlineKeyboard([[Markup.button.callback(t.retryTraining, cb({ action: 'avatar_train', avatarId: p.avatarId }))]]),
    };
  }
  if (p.type === 'generation_failed') {
    return {
      text: t.gen.failed(p.code),
      markup: Markup.inlineKeyboard([[Markup.button.callback(t.gen.again, cb({ action: 'gen_again', generationId: p.generationId }))]]),
    };
  }
  return null;
}

/**
 * Sends a finished generation: its pictures are first copied into storage
 * (so the history outlives FAL's URLs), then sent from there — one photo with
 * the buttons, or an album followed by the buttons. If copying fails, Telegram
 * is given FAL's URLs and the copy is tried again with the next message.
 */
async function sendGeneration(telegram: Telegram, deps: SenderDeps, notification: Notification): Promise<number> {
  const p = notification.payload as Extract<Notification['payload'], { type: 'generation_completed' }>;
  const t = texts[langOf(p.languageCode)];
  const [generation] = await deps.db.select().from(generations).where(eq(generations.id, p.generationId));
  if (!generation) throw new GoneError(`generation ${p.generationId} is gone`);
  const keys = await storeGenerationImages(deps.db, deps.storage, generation, imageFetcher(deps.config)).catch(() => []);
  const media = await Promise.all(
    generation.imageUrls.map(async (url, i) => {
      const stored = keys[i] ? await deps.storage.get(keys[i]) : null;
      return stored ? { source: stored } : url;
    }),
  );
  const markup = Markup.inlineKeyboard([
    [
      Markup.button.callback(t.gen.again, cb({ action: 'gen_again', generationId: generation.id })),
      Markup.button.callback(t.gen.prompt, cb({ action: 'gen_prompt', generationId: generation.id })),
    ],
    [Markup.button.callback(t.menu.myAvatars, cb({ action: 'gallery_open' }))],
  ]);
  const caption = t.gen.done(p.avatarName);
  if (media.length === 1) {
    const message = await telegram.sendPhoto(notification.chatId, media[0]!, { caption, ...markup });
    return message.message_id;
  }
  await telegram.sendMediaGroup(
    notification.chatId,
    media.map((m, i) => ({ type: 'photo' as const, media: m, ...(i === 0 ? { caption } : {}) })),
  );
  const buttons = await telegram.sendMessage(notification.chatId, caption, markup);
  return buttons.message_id;
}

/** Delivers outbox messages through the Bot API and says how a failure should be treated. */
export function createNotificationSender(telegram: Telegram, deps: SenderDeps): Sender {
  return async (notification) => {
    try {
      const rendered = renderTraining(notification);
      if (rendered) {
        const message = await telegram.sendMessage(notification.chatId, rendered.text, rendered.markup);
        return { ok: true, messageId: message.message_id };
      }
      return { ok: true, messageId: await sendGeneration(telegram, deps, notification) };
    } catch (error) {
      const description = (error as Error).message;
      if (error instanceof GoneError) return { ok: false, permanent: true, error: description };
      if (error instanceof TelegramError) {
        if (error.code === 429) return { ok: false, retryAfterSeconds: error.parameters?.retry_after ?? 5, error: description };
        // Blocked by the user, or the chat no longer exists: retrying cannot help.
        if (error.code === 403 || /chat not found/i.test(description)) return { ok: false, permanent: true, error: description };
      }
      return { ok: false, error: description };
    }
  };
}
