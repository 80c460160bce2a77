import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sampleGroup, samplePortrait, sampleStranger } from '../sample-faces.js';
import { BOT, badRequest, buttonsOf, CHAT_ID, type Chat, type Method, userFor } from './chat.js';
import { type ChatFiles, MAX_PHOTO_BYTES } from './files.js';

/** Telegram's limits, in UTF-16 code units as Telegram counts them: a longer text or caption is refused, so the playground fails where Telegram would. */
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

/** A client sends a picture as a photo only when Telegram can show it as one: JPEG, PNG or WebP up to 10 MB. */
const PHOTO_BYTES = 10 * 1024 * 1024;
const isPhoto = (bytes: Buffer) =>
  bytes.length <= PHOTO_BYTES &&
  (bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])) ||
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
    (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP'));

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

    /**
     * Files from the page (base64, several at once), each its own message, as a Telegram client sends a
     * multi-file pick: a JPEG, PNG or WebP of at most 10 MB as a photo, anything else — another format, a
     * bigger picture, a PDF — as a document with its name, shown as a file and not as a broken image.
     */
    api.post('/photos', { bodyLimit: 60 * 1024 * 1024 }, async (request) => {
      const body = (request.body ?? {}) as { photos?: string[]; files?: { name?: string; type?: string; data?: string }[] };
      const picked = [...(body.photos ?? []).map((data) => ({ data })), ...(body.files ?? [])];
      const statuses = [];
      for (const file of picked.slice(0, 30)) {
        // Stopping midway: the files not delivered yet are not shown either (the page says the server is gone).
        if (chat.closing) break;
        const bytes = Buffer.from(String(file.data ?? ''), 'base64');
        if (bytes.length === 0 || bytes.length > MAX_PHOTO_BYTES) continue;
        const id = await store.keepFile(bytes);
        const user = userFor(request);
        const asPhoto = isPhoto(bytes);
        const name = String('name' in file && file.name ? file.name : `file-${id}`).slice(0, 255);
        const res = await chat.deliver({
          message: asPhoto
            ? chat.userMessage(
                user,
                { photo: [{ file_id: id, file_unique_id: id, width: 1024, height: 1024, file_size: bytes.length }] },
                { photos: [id] },
              )
            : chat.userMessage(
                user,
                {
                  document: {
                    file_id: id,
                    file_unique_id: id,
                    file_name: name,
                    mime_type: ('type' in file && file.type) || 'application/octet-stream',
                    file_size: bytes.length,
                  },
                },
                { document: { name, size: bytes.length } },
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
