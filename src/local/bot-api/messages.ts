import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sampleGroup, samplePortrait, sampleStranger } from '../sample-faces.js';
import { BOT, badRequest, buttonsOf, CHAT_ID, type Chat, type Method, userFor } from './chat.js';
import { type ChatFiles, MAX_PHOTO_BYTES } from './files.js';

/** Telegram's limits, in UTF-16 code units as Telegram counts them: a longer text or caption is refused, so the playground fails where Telegram would. */
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

function text(value: unknown): string {
  const t = String(value ?? '');
  if (t.trim().length === 0) throw badRequest('message text is empty');
  if (t.length > TEXT_LIMIT) throw badRequest('message is too long');
  return t;
}

function caption(value: unknown): string {
  const c = String(value ?? '');
  if (c.length > CAPTION_LIMIT) throw badRequest('message caption is too long');
  return c;
}

/** What the bot does to the chat (send, edit, delete, answer a press), and what the page's user does in it. */
export function chatMessages(chat: Chat, files: ChatFiles) {
  const { store, emit, botMessage, edit } = chat;
  const methods: Record<string, Method> = {
    getMe: () => BOT,
    sendMessage: (f) => botMessage(f, { text: text(f.text), buttons: buttonsOf(f.reply_markup) }),
    editMessageText: (f) => edit(f, { text: text(f.text), buttons: buttonsOf(f.reply_markup) }),
    editMessageCaption: (f) => edit(f, { caption: caption(f.caption), buttons: buttonsOf(f.reply_markup) }),
    editMessageReplyMarkup: (f) => edit(f, { buttons: buttonsOf(f.reply_markup) }),
    sendPhoto: async (f) =>
      botMessage(f, { photos: [await files.photoId(f.photo, f)], caption: caption(f.caption), buttons: buttonsOf(f.reply_markup) }),
    editMessageMedia: async (f) => {
      const media = f.media as { media: unknown; caption?: string };
      return edit(f, {
        photos: [await files.photoId(media.media, f)],
        caption: caption(media.caption),
        buttons: buttonsOf(f.reply_markup),
      });
    },
    sendMediaGroup: async (f) => {
      const media = f.media as { media: unknown; caption?: string }[];
      const first = caption(media[0]?.caption);
      const photos = await Promise.all(media.map((m) => files.photoId(m.media, f)));
      return [botMessage(f, { photos, caption: first })];
    },
    deleteMessage: (f) => {
      store.remove(Number(f.message_id));
      emit('delete', { message_id: Number(f.message_id) });
      return true;
    },
    answerCallbackQuery: (f) => {
      if (f.text) emit('toast', { text: f.text, alert: Boolean(f.show_alert) });
      return true;
    },
  };

  function routes(api: FastifyInstance) {
    api.post('/say', async (request) => {
      const text = String((request.body as { text?: unknown } | null)?.text ?? '').slice(0, 4096);
      const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] : undefined;
      const res = await chat.deliver({
        message: chat.userMessage(userFor(request), { text, ...(entities ? { entities } : {}) }, { text }),
      });
      return { status: res.statusCode };
    });

    api.post('/press', async (request) => {
      const { message_id: messageId, data } = (request.body ?? {}) as { message_id?: number; data?: string };
      const pressed = store.messages.get(Number(messageId));
      const res = await chat.deliver({
        callback_query: {
          id: randomBytes(6).toString('hex'),
          from: userFor(request),
          chat_instance: 'playground',
          data: String(data ?? ''),
          message: {
            message_id: Number(messageId),
            date: pressed?.date ?? 0,
            chat: { id: CHAT_ID, type: 'private' },
            ...(pressed?.photos
              ? { photo: [{ file_id: pressed.photos[0], file_unique_id: 'x', width: 512, height: 512 }], caption: pressed.caption }
              : { text: pressed?.text ?? '' }),
          },
        },
      });
      return { status: res.statusCode };
    });

    /** Photos from the page (base64, several at once), each sent as its own photo message, like an album. */
    api.post('/photos', { bodyLimit: 60 * 1024 * 1024 }, async (request) => {
      const { photos } = (request.body ?? {}) as { photos?: string[] };
      const statuses = [];
      for (const data of (photos ?? []).slice(0, 30)) {
        const bytes = Buffer.from(data, 'base64');
        if (bytes.length > MAX_PHOTO_BYTES) continue;
        const id = await store.keepFile(bytes);
        const res = await chat.deliver({
          message: chat.userMessage(
            userFor(request),
            { photo: [{ file_id: id, file_unique_id: id, width: 1024, height: 1024, file_size: bytes.length }] },
            { photos: [id] },
          ),
        });
        statuses.push(res.statusCode);
      }
      return { statuses };
    });

    /**
     * Ten real photos of one person for a quick try, as an album would bring them; or (`others`) a
     * photo of someone else and a group photo, which the face check refuses.
     */
    api.post<{ Body: { others?: boolean } | null }>('/samples', async (request) => {
      const made = request.body?.others ? [sampleStranger(), sampleGroup()] : Array.from({ length: 10 }, (_, i) => samplePortrait(i));
      const photos = (await Promise.all(made)).map((b) => b.toString('base64'));
      const headers = { 'x-playground-lang': userFor(request).language_code };
      const res = await api.inject({ method: 'POST', url: '/__playground/photos', headers, payload: { photos } });
      return res.json();
    });
  }

  return { methods, routes };
}
