import { listen, readBody, sendJson } from './http.js';

/**
 * A local Telegram Bot API: answers the methods the bot uses with real-shaped
 * results, records every call, serves files for getFile downloads, and can be
 * told to fail the next call of a method (429 with retry_after, 403, a 502 on
 * getMe, ...). Like the real one it refuses text over 4096 and captions over
 * 1024 UTF-16 units, strings that are not valid UTF-8 (a lone surrogate), and
 * edits of a message that is gone (deleted by the bot or by the user).
 */

export type TelegramCall = { method: string; payload: Record<string, unknown>; result?: unknown };
type Failure = { error_code: number; description: string; parameters?: Record<string, unknown> };

export const BOT_INFO = {
  id: 7000000001,
  is_bot: true,
  first_name: 'Avatar Bot',
  username: 'avatar_test_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>;

type Delivered = { statusCode: number };

/**
 * Delivers updates to a webhook as the Bot API server does (`WebhookActor.cpp`): one chat's updates one at
 * a time, the next only once the previous was answered (and `gapMs` later: a slow phone, a retry), while
 * other chats go in parallel. An album of ten photos is ten requests in a row, never ten at once.
 */
export async function deliverLikeTelegram<U extends object>(
  updates: U[],
  post: (update: U) => Promise<Delivered>,
  gapMs = 0,
): Promise<Delivered[]> {
  const chats = new Map<number, number[]>();
  updates.forEach((update, i) => {
    const { message, callback_query } = update as {
      message?: { chat: { id: number } };
      callback_query?: { message?: { chat: { id: number } } };
    };
    const chat = message?.chat.id ?? callback_query?.message?.chat.id ?? 0;
    chats.set(chat, [...(chats.get(chat) ?? []), i]);
  });
  const answers: Delivered[] = [];
  await Promise.all(
    [...chats.values()].map(async (indexes) => {
      for (const [n, i] of indexes.entries()) {
        if (n > 0 && gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
        answers[i] = await post(updates[i]!);
      }
    }),
  );
  return answers;
}

async function parsePayload(contentType: string, body: Buffer): Promise<Record<string, unknown>> {
  if (body.length === 0) return {};
  if (contentType.startsWith('application/json')) return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  // Uploads (sendPhoto with a buffer, sendMediaGroup) arrive as multipart/form-data.
  const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  const payload: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    // Structured fields (reply_markup, media) travel as JSON strings inside the form.
    if (typeof value !== 'string') payload[key] = { fileName: value.name, size: value.size, bytes: Buffer.from(await value.arrayBuffer()) };
    else payload[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return payload;
}

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The Bot API's checks of texts and captions: UTF-8 only, and limits counted in UTF-16 units. */
function checkStrings(method: string, payload: Record<string, unknown>): void {
  const media = payload.media as { caption?: unknown } | undefined;
  const checks: [unknown, number, string][] = [
    [payload.text, TEXT_LIMIT, 'message is too long'],
    [payload.caption, CAPTION_LIMIT, 'message caption is too long'],
    [
      typeof media === 'object' && media !== null && !Array.isArray(media) ? media.caption : undefined,
      CAPTION_LIMIT,
      'message caption is too long',
    ],
  ];
  for (const [value, limit, tooLong] of checks) {
    if (typeof value !== 'string') continue;
    if (LONE_SURROGATE.test(value))
      throw { error_code: 400, description: 'Bad Request: strings must be encoded in UTF-8' } satisfies Failure;
    if (value.length > limit) throw { error_code: 400, description: `Bad Request: ${tooLong}` } satisfies Failure;
  }
  if (method === 'answerCallbackQuery' && typeof payload.text === 'string' && payload.text.length > 200) {
    throw { error_code: 400, description: 'Bad Request: MESSAGE_TOO_LONG' } satisfies Failure;
  }
}

export async function startFakeTelegram(token: string) {
  const calls: TelegramCall[] = [];
  const failures = new Map<string, Failure[]>();
  const files = new Map<string, { path: string; bytes: Buffer }>();
  const waiters: { test: (call: TelegramCall) => boolean; resolve: (call: TelegramCall) => void }[] = [];
  /** Methods whose calls wait before they are answered: a slow Bot API keeps a handler running. */
  const holds = new Map<string, Promise<void>>();
  let nextMessageId = 1;

  /** Stars payments refunded by refundStarPayment: a second refund of one fails as Telegram's does. */
  const refunded = new Set<string>();
  /** Messages that are gone, as `chat:message`: an edit of one answers "message to edit not found". */
  const gone = new Set<string>();
  const message = (payload: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    message_id: nextMessageId++,
    date: Math.floor(Date.now() / 1000),
    chat: { id: Number(payload.chat_id), type: Number(payload.chat_id) < 0 ? 'group' : 'private' },
    from: { id: BOT_INFO.id, is_bot: true, first_name: BOT_INFO.first_name, username: BOT_INFO.username },
    ...extra,
  });

  function result(method: string, payload: Record<string, unknown>): unknown {
    checkStrings(method, payload);
    if (method.startsWith('editMessage') && gone.has(`${payload.chat_id}:${payload.message_id}`)) {
      throw { error_code: 400, description: 'Bad Request: message to edit not found' } satisfies Failure;
    }
    switch (method) {
      case 'deleteMessage':
        gone.add(`${payload.chat_id}:${payload.message_id}`);
        return true;
      case 'getMe':
        return BOT_INFO;
      case 'sendMessage':
        return message(payload, { text: payload.text, reply_markup: payload.reply_markup });
      case 'editMessageText':
        return {
          ...message(payload, { text: payload.text }),
          message_id: Number(payload.message_id),
          edit_date: Math.floor(Date.now() / 1000),
        };
      case 'sendPhoto':
        return message(payload, {
          photo: [{ file_id: `photo-${nextMessageId}`, file_unique_id: `u${nextMessageId}`, width: 512, height: 512 }],
        });
      case 'getFile': {
        const file = files.get(String(payload.file_id));
        if (!file) throw { error_code: 400, description: 'Bad Request: invalid file_id' } satisfies Failure;
        return { file_id: payload.file_id, file_unique_id: `u-${payload.file_id}`, file_size: file.bytes.length, file_path: file.path };
      }
      case 'sendInvoice': {
        // Telegram's rules for Stars: currency XTR, no provider token, exactly one price.
        const prices = payload.prices as { amount: number }[] | undefined;
        if (payload.currency === 'XTR' && (payload.provider_token || prices?.length !== 1)) {
          throw { error_code: 400, description: 'Bad Request: STARS_INVOICE_INVALID' } satisfies Failure;
        }
        const invoice = {
          title: payload.title,
          description: payload.description,
          currency: payload.currency,
          total_amount: prices?.[0]?.amount,
        };
        // Without a start_parameter, forwarded copies of the invoice keep a Pay button anyone can press.
        return message(payload, { invoice: { ...invoice, start_parameter: payload.start_parameter ?? '' } });
      }
      case 'refundStarPayment': {
        const charge = String(payload.telegram_payment_charge_id);
        if (refunded.has(charge)) throw { error_code: 400, description: 'Bad Request: CHARGE_ALREADY_REFUNDED' } satisfies Failure;
        refunded.add(charge);
        return true;
      }
      case 'getWebhookInfo':
        return { url: '', has_custom_certificate: false, pending_update_count: 0 };
      default:
        return true;
    }
  }

  const server = await listen(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (request.method === 'GET' && fileMatch) {
      const file = [...files.values()].find((f) => f.path === fileMatch[2]);
      if (fileMatch[1] !== token || !file) return sendJson(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length });
      response.end(file.bytes);
      return;
    }
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!match || match[1] !== token) {
      return sendJson(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    }
    const method = match[2] as string;
    const payload = await parsePayload(request.headers['content-type'] ?? '', await readBody(request));
    await holds.get(method);
    const call: TelegramCall = { method, payload };
    let failure = failures.get(method)?.shift();
    if (!failure) {
      try {
        call.result = result(method, payload);
      } catch (error) {
        failure = error as Failure;
      }
    }
    calls.push(call);
    for (const waiter of waiters.filter((w) => w.test(call))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(call);
    }
    if (failure) return sendJson(response, failure.error_code, { ok: false, ...failure });
    sendJson(response, 200, { ok: true, result: call.result });
  });

  return {
    url: server.url,
    calls,
    callsOf: (method: string) => calls.filter((c) => c.method === method),
    /** Resolves with the first call (past or future) of `method` that passes `test`. */
    waitFor(method: string, test: (payload: Record<string, unknown>) => boolean = () => true, timeoutMs = 10_000) {
      const check = (c: TelegramCall) => c.method === method && test(c.payload);
      const seen = calls.find(check);
      if (seen) return Promise.resolve(seen);
      return new Promise<TelegramCall>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${method} call within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          test: check,
          resolve: (c) => {
            clearTimeout(timer);
            resolve(c);
          },
        });
      });
    },
    /** The next call of `method` fails with this Bot API error. */
    failNext(method: string, failure: Failure) {
      failures.set(method, [...(failures.get(method) ?? []), failure]);
    },
    /** Calls of `method` wait until the returned function is called. */
    hold(method: string): () => void {
      let release = () => {};
      holds.set(method, new Promise<void>((resolve) => (release = resolve)));
      return () => {
        holds.delete(method);
        release();
      };
    },
    /** The user deleted a message in their client: later edits of it fail as Telegram's do. */
    userDeletes(chatId: number, messageId: number) {
      gone.add(`${chatId}:${messageId}`);
    },
    addFile(fileId: string, bytes: Buffer, path = `photos/${fileId}.jpg`) {
      files.set(fileId, { path, bytes });
    },
    close: server.close,
  };
}
