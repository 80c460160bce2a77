import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Message, PlaygroundStore } from './store.js';

/** One Bot API method: the call's fields in, its `result` out; an error with a `code` is answered with it. */
export type Method = (fields: Record<string, unknown>) => Promise<unknown> | unknown;

type Button = { text: string; callback_data?: string };

export const CHAT_ID = 1;
const GUEST = { id: 1, is_bot: false };
export const BOT = { id: 2, is_bot: true, first_name: 'Avatar Bot', username: 'avatar_playground_bot' };

/** The page's user, in the language the page chose (its `x-playground-lang` header): the bot answers in it. */
export const userFor = (request: FastifyRequest) => {
  const lang = request.headers['x-playground-lang'] === 'en' ? 'en' : 'ru';
  return { ...GUEST, first_name: lang === 'en' ? 'Guest' : 'Гость', language_code: lang };
};
type PageUser = ReturnType<typeof userFor>;

export const badRequest = (description: string) => Object.assign(new Error(`Bad Request: ${description}`), { code: 400 });

export const buttonsOf = (markup: unknown): Button[][] | undefined =>
  (markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard?.map((row) =>
    row.map(({ text, callback_data }) => ({ text, callback_data })),
  );

/**
 * The one chat of the playground: its messages (kept in the store), the page's
 * listeners (server-sent events), and the two ways a message appears — the bot
 * sends one through a Bot API call, or the user's is delivered as an update.
 */
export function createChat(api: FastifyInstance, store: PlaygroundStore, webhookSecret: string) {
  const listeners = new Set<ServerResponse>();
  let nextMessageId = store.nextMessageId;
  // Update ids only grow, across restarts too: a restarted playground's first update is no duplicate.
  let nextUpdateId = Date.now();
  const now = () => Math.floor(Date.now() / 1000);

  const emit = (event: string, data: unknown) => {
    for (const listener of listeners) listener.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const show = (message: Message) => {
    store.keep(message);
    emit('message', message);
    return message;
  };

  return {
    store,
    listeners,
    emit,
    /** Set once the server is stopping: what the page's user does then is refused, not shown and lost. */
    closing: false,
    /** Updates on their way through the bot: a stopping server lets them finish (local-bot-api.ts preClose). */
    delivering: new Set<Promise<unknown>>(),
    /** The update goes through the real webhook route, secret and all. */
    async deliver(update: Record<string, unknown>): Promise<{ statusCode: number }> {
      try {
        const delivery = api.inject({
          method: 'POST',
          url: '/telegram/webhook',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': webhookSecret },
          payload: { update_id: nextUpdateId++, ...update },
        });
        this.delivering.add(delivery);
        delivery.finally(() => this.delivering.delete(delivery)).catch(() => {});
        return await delivery;
      } catch (error) {
        // The server began to stop between the check and the delivery: answered as stopping, not as a failure.
        if ((error as { code?: string }).code !== 'FST_ERR_REOPENED_CLOSE_SERVER') throw error;
        this.closing = true;
        return { statusCode: 503 };
      }
    },
    /** A message the page's user sent: shown, and returned as the update's `message`. */
    userMessage(user: PageUser, content: Record<string, unknown>, shown: Omit<Message, 'message_id' | 'date' | 'from'>) {
      const message = show({ message_id: nextMessageId++, date: now(), from: 'user', ...shown });
      return {
        message_id: message.message_id,
        date: message.date,
        chat: { id: CHAT_ID, type: 'private', first_name: user.first_name },
        from: user,
        ...content,
      };
    },
    /** A message the bot sent: shown, and returned as the Bot API's Message. */
    botMessage(fields: Record<string, unknown>, shown: Omit<Message, 'message_id' | 'date' | 'from'>) {
      const message = show({ message_id: nextMessageId++, date: now(), from: 'bot', ...shown });
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
    },
    edit(fields: Record<string, unknown>, change: Partial<Message>) {
      const message = store.messages.get(Number(fields.message_id));
      if (!message) throw badRequest('message to edit not found');
      Object.assign(message, change);
      store.keep(message);
      emit('edit', message);
      return true;
    },
  };
}

export type Chat = ReturnType<typeof createChat>;
