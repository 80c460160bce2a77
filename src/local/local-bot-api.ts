import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type Message, openPlaygroundStore } from './playground-store.js';
import { samplePortrait } from './sample-images.js';

/**
 * The playground's Bot API: with no bot token, telegraf's apiRoot points here,
 * so the production bot code talks to it exactly as to Telegram. The chat page
 * sees what the bot does through server-sent events, and what the user does on
 * the page becomes real Telegram updates posted to /telegram/webhook.
 */

type Button = { text: string; callback_data?: string };

export type LocalBotApiOptions = {
  webhookSecret: string;
  /** The only places a photo may be fetched from by URL: the FAL simulator, or FAL's CDN. */
  mediaBase: string | undefined;
  /** Where the chat and its files are kept across restarts. */
  dir: string;
};

const CHAT_ID = 1;
const GUEST = { id: 1, is_bot: false };
/** The page's user, in the language the page chose (its `x-playground-lang` header): the bot answers in it. */
const userFor = (request: FastifyRequest) => {
  const lang = request.headers['x-playground-lang'] === 'en' ? 'en' : 'ru';
  return { ...GUEST, first_name: lang === 'en' ? 'Guest' : 'Гость', language_code: lang };
};
type PageUser = ReturnType<typeof userFor>;
const BOT = { id: 2, is_bot: true, first_name: 'Avatar Bot', username: 'avatar_playground_bot' };
const MAX_PHOTO_BYTES = 20 * 1024 * 1024;
const FAL_CDN = /(^|\.)fal\.media$/;

export const localBotApi: FastifyPluginAsync<LocalBotApiOptions> = async (api, { webhookSecret, mediaBase, dir }) => {
  const store = await openPlaygroundStore(dir);
  const { messages } = store;
  const listeners = new Set<ServerResponse>();
  let nextMessageId = store.nextMessageId;
  /** The bot's answers to pre-checkout queries, by query id, until the page's payment reads them. */
  const checkouts = new Map<string, { ok: boolean; error: string | undefined }>();
  // Update ids only grow, across restarts too: a restarted playground's first update is no duplicate.
  let nextUpdateId = Date.now();

  const emit = (event: string, data: unknown) => {
    for (const listener of listeners) listener.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const keepFile = (bytes: Buffer) => store.keepFile(bytes);
  const keepMessage = (message: Message) => store.keep(message);
  /** Only our own media, never an arbitrary URL: the server must not fetch what a caller names. */
  const mayFetch = (url: string) => {
    const parsed = URL.canParse(url) ? new URL(url) : null;
    if (!parsed) return false;
    return (mediaBase !== undefined && url.startsWith(`${mediaBase}/`)) || (parsed.protocol === 'https:' && FAL_CDN.test(parsed.hostname));
  };
  const buttonsOf = (markup: unknown): Button[][] | undefined =>
    (markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard?.map((row) =>
      row.map(({ text, callback_data }) => ({ text, callback_data })),
    );

  /** The update goes through the real webhook route, secret and all. */
  const deliver = (update: Record<string, unknown>) =>
    api.inject({
      method: 'POST',
      url: '/telegram/webhook',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': webhookSecret },
      payload: { update_id: nextUpdateId++, ...update },
    });
  const userMessage = (user: PageUser, content: Record<string, unknown>, shown: Omit<Message, 'message_id' | 'date' | 'from'>) => {
    const message: Message = { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), from: 'user', ...shown };
    keepMessage(message);
    emit('message', message);
    return {
      message_id: message.message_id,
      date: message.date,
      chat: { id: CHAT_ID, type: 'private', first_name: user.first_name },
      from: user,
      ...content,
    };
  };

  api.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: 60 * 1024 * 1024 }, (_request, body, done) =>
    done(null, body),
  );

  /** A Bot API call's fields: JSON, or multipart with uploaded files kept as files. */
  async function fieldsOf(contentType: string, body: unknown): Promise<Record<string, unknown>> {
    if (!contentType.startsWith('multipart/form-data')) return (body ?? {}) as Record<string, unknown>;
    const form = await new Response(body as Buffer, { headers: { 'content-type': contentType } }).formData();
    const fields: Record<string, unknown> = {};
    for (const [key, value] of form.entries()) {
      if (typeof value !== 'string') fields[key] = { upload: await keepFile(Buffer.from(await value.arrayBuffer())) };
      else fields[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    }
    return fields;
  }

  /** A photo argument: a file_id we know, an upload, `attach://field`, or a URL. */
  async function photoId(value: unknown, fields: Record<string, unknown>): Promise<string> {
    if (typeof value === 'string' && value.startsWith('attach://')) return photoId(fields[value.slice('attach://'.length)], fields);
    if (typeof value === 'object' && value !== null && 'upload' in value) return (value as { upload: string }).upload;
    if (typeof value === 'string' && store.hasFile(value)) return value;
    if (typeof value === 'string' && mayFetch(value)) {
      const response = await fetch(value, { signal: AbortSignal.timeout(30_000) });
      const bytes = Buffer.from(await response.arrayBuffer());
      if (!response.ok || bytes.length > MAX_PHOTO_BYTES)
        throw Object.assign(new Error('Bad Request: failed to get HTTP URL content'), { code: 400 });
      return keepFile(bytes);
    }
    throw Object.assign(new Error('Bad Request: wrong file identifier'), { code: 400 });
  }

  function botMessage(fields: Record<string, unknown>, shown: Omit<Message, 'message_id' | 'date' | 'from'>) {
    const message: Message = { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), from: 'bot', ...shown };
    keepMessage(message);
    emit('message', message);
    const photo = message.photos?.[0];
    return {
      message_id: message.message_id,
      date: message.date,
      chat: { id: Number(fields.chat_id), type: 'private' },
      from: BOT,
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(photo ? { photo: [{ file_id: photo, file_unique_id: photo, width: 512, height: 512 }], caption: message.caption } : {}),
      ...(message.invoice
        ? {
            invoice: {
              title: message.invoice.title,
              description: message.invoice.description,
              start_parameter: '',
              currency: message.invoice.currency,
              total_amount: message.invoice.amount,
            },
          }
        : {}),
    };
  }

  function edit(fields: Record<string, unknown>, change: Partial<Message>) {
    const message = messages.get(Number(fields.message_id));
    if (!message) throw Object.assign(new Error('Bad Request: message to edit not found'), { code: 400 });
    Object.assign(message, change);
    keepMessage(message);
    emit('edit', message);
    return true;
  }

  const methods: Record<string, (fields: Record<string, unknown>) => Promise<unknown> | unknown> = {
    getMe: () => BOT,
    sendMessage: (f) => botMessage(f, { text: String(f.text), buttons: buttonsOf(f.reply_markup) }),
    editMessageText: (f) => edit(f, { text: String(f.text), buttons: buttonsOf(f.reply_markup) }),
    editMessageCaption: (f) => edit(f, { caption: String(f.caption ?? ''), buttons: buttonsOf(f.reply_markup) }),
    editMessageReplyMarkup: (f) => edit(f, { buttons: buttonsOf(f.reply_markup) }),
    sendPhoto: async (f) =>
      botMessage(f, { photos: [await photoId(f.photo, f)], caption: f.caption as string, buttons: buttonsOf(f.reply_markup) }),
    editMessageMedia: async (f) => {
      const media = f.media as { media: unknown; caption?: string };
      return edit(f, { photos: [await photoId(media.media, f)], caption: media.caption ?? '', buttons: buttonsOf(f.reply_markup) });
    },
    sendMediaGroup: async (f) => {
      const media = f.media as { media: unknown; caption?: string }[];
      const photos = await Promise.all(media.map((m) => photoId(m.media, f)));
      return [botMessage(f, { photos, caption: media[0]?.caption })];
    },
    deleteMessage: (f) => {
      store.remove(Number(f.message_id));
      emit('delete', { message_id: Number(f.message_id) });
      return true;
    },
    sendInvoice: (f) => {
      const prices = f.prices as { amount: number }[] | undefined;
      if (f.currency !== 'XTR' || f.provider_token || prices?.length !== 1) {
        throw Object.assign(new Error('Bad Request: STARS_INVOICE_INVALID'), { code: 400 });
      }
      const invoice = {
        title: String(f.title),
        description: String(f.description),
        currency: 'XTR',
        amount: Number(prices[0]!.amount),
        payload: String(f.payload),
      };
      return botMessage(f, { invoice });
    },
    answerPreCheckoutQuery: (f) => {
      checkouts.set(String(f.pre_checkout_query_id), { ok: f.ok === true, error: f.error_message as string | undefined });
      return true;
    },
    refundStarPayment: () => true,
    answerCallbackQuery: (f) => {
      if (f.text) emit('toast', { text: f.text, alert: Boolean(f.show_alert) });
      return true;
    },
    getFile: (f) => {
      const size = store.fileSize(String(f.file_id));
      if (size === undefined) throw Object.assign(new Error('Bad Request: invalid file_id'), { code: 400 });
      return { file_id: f.file_id, file_unique_id: f.file_id, file_size: size, file_path: String(f.file_id) };
    },
  };

  // Bot API calls: POST /bot<token>/<method> (any token: the playground has no real one).
  api.post('/*', async (request, reply) => {
    const match = /^bot[^/]+\/(\w+)$/.exec((request.params as { '*': string })['*']);
    if (!match) return reply.code(404).send({ ok: false, error_code: 404, description: 'Not Found' });
    const handler = methods[match[1]!];
    if (!handler) return { ok: true, result: true };
    try {
      const result = await handler(await fieldsOf(request.headers['content-type'] ?? '', request.body));
      return { ok: true, result };
    } catch (error) {
      const code = (error as { code?: number }).code ?? 500;
      return reply.code(code).send({ ok: false, error_code: code, description: (error as Error).message });
    }
  });

  const sendFile = async (id: string, reply: FastifyReply) => {
    const file = await store.readFile(id);
    if (!file) return reply.code(404).send({ error: 'NotFound', message: 'no such file' });
    const type = file[0] === 0x89 ? 'image/png' : 'image/jpeg';
    return reply.type(type).send(file);
  };
  api.get('/file/*', async (request, reply) => sendFile((request.params as { '*': string })['*'].split('/')[1] ?? '', reply));
  api.get('/files/:id', async (request, reply) => sendFile((request.params as { id: string }).id, reply));

  api.get('/history', async () => [...messages.values()]);

  api.get('/events', (request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    reply.raw.write(': connected\n\n');
    listeners.add(reply.raw);
    request.raw.on('close', () => listeners.delete(reply.raw));
  });
  // Before the server waits for open connections: an open page would hold a shutdown until its timeout.
  api.addHook('preClose', async () => {
    for (const listener of listeners) listener.end();
    await store.flush();
  });

  api.post('/say', async (request) => {
    const text = String((request.body as { text?: unknown } | null)?.text ?? '').slice(0, 4096);
    const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] : undefined;
    const res = await deliver({ message: userMessage(userFor(request), { text, ...(entities ? { entities } : {}) }, { text }) });
    return { status: res.statusCode };
  });

  api.post('/press', async (request) => {
    const { message_id: messageId, data } = (request.body ?? {}) as { message_id?: number; data?: string };
    const pressed = messages.get(Number(messageId));
    const res = await deliver({
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
   * "Pay ⭐N" on an invoice card: Telegram's two steps as real updates — the
   * pre-checkout question, and once the bot said ok, the payment message.
   */
  api.post('/pay', async (request, reply) => {
    const messageId = Number((request.body as { message_id?: unknown } | null)?.message_id);
    const message = messages.get(messageId);
    const invoice = message?.invoice;
    if (!message || !invoice || invoice.paid)
      return reply.code(400).send({ error: 'BadRequest', message: 'no unpaid invoice in that message' });
    const queryId = randomBytes(6).toString('hex');
    await deliver({
      pre_checkout_query: {
        id: queryId,
        from: userFor(request),
        currency: invoice.currency,
        total_amount: invoice.amount,
        invoice_payload: invoice.payload,
      },
    });
    const answer = checkouts.get(queryId);
    checkouts.delete(queryId);
    if (!answer?.ok) {
      const error = answer?.error ?? 'the bot did not answer the checkout';
      emit('toast', { text: error, alert: true });
      return { paid: false, error };
    }
    invoice.paid = true;
    keepMessage(message);
    emit('edit', message);
    const chargeId = `playground-${randomBytes(8).toString('hex')}`;
    const successful_payment = {
      currency: invoice.currency,
      total_amount: invoice.amount,
      invoice_payload: invoice.payload,
      telegram_payment_charge_id: chargeId,
      provider_payment_charge_id: '',
    };
    await deliver({ message: userMessage(userFor(request), { successful_payment }, { text: `⭐ ${invoice.amount}` }) });
    return { paid: true, charge_id: chargeId };
  });

  /** Photos from the page (base64, several at once), each sent as its own photo message, like an album. */
  api.post('/photos', { bodyLimit: 60 * 1024 * 1024 }, async (request) => {
    const { photos } = (request.body ?? {}) as { photos?: string[] };
    const statuses = [];
    for (const data of (photos ?? []).slice(0, 30)) {
      const bytes = Buffer.from(data, 'base64');
      if (bytes.length > MAX_PHOTO_BYTES) continue;
      const id = await keepFile(bytes);
      const res = await deliver({
        message: userMessage(
          userFor(request),
          { photo: [{ file_id: id, file_unique_id: id, width: 1024, height: 1024, file_size: bytes.length }] },
          { photos: [id] },
        ),
      });
      statuses.push(res.statusCode);
    }
    return { statuses };
  });

  /** Ten sample portraits for a quick try: drawn, each a different face, as an album would bring them. */
  api.post('/samples', async (request) => {
    const photos = (await Promise.all(Array.from({ length: 10 }, (_, i) => samplePortrait(i)))).map((b) => b.toString('base64'));
    const headers = { 'x-playground-lang': userFor(request).language_code };
    const res = await api.inject({ method: 'POST', url: '/__playground/photos', headers, payload: { photos } });
    return res.json();
  });
};
