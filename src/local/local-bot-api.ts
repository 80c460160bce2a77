import type { FastifyPluginAsync } from 'fastify';
import { createChat, type Method } from './bot-api/chat.js';
import { chatFiles } from './bot-api/files.js';
import { chatMessages } from './bot-api/messages.js';
import { chatPayments } from './bot-api/payments.js';
import { openPlaygroundStore } from './bot-api/store.js';

/**
 * The playground's Bot API: with no bot token, telegraf's apiRoot points here,
 * so the production bot code talks to it exactly as to Telegram. The chat page
 * sees what the bot does through server-sent events, and what the user does on
 * the page becomes real Telegram updates posted to /telegram/webhook.
 */

export type LocalBotApiOptions = {
  webhookSecret: string;
  /** The only places a photo may be fetched from by URL: the FAL simulator, or FAL's CDN. */
  mediaBase: string | undefined;
  /** Where the chat and its files are kept across restarts. */
  dir: string;
};

export const localBotApi: FastifyPluginAsync<LocalBotApiOptions> = async (api, { webhookSecret, mediaBase, dir }) => {
  const store = await openPlaygroundStore(dir);
  const chat = createChat(api, store, webhookSecret);
  const files = chatFiles(store, mediaBase);
  const messages = chatMessages(chat, files);
  const payments = chatPayments(chat);
  const methods: Record<string, Method> = { ...messages.methods, ...files.methods, ...payments.methods };

  // Bot API calls: POST /bot<token>/<method> (any token: the playground has no real one).
  api.post('/*', async (request, reply) => {
    const match = /^bot[^/]+\/(\w+)$/.exec((request.params as { '*': string })['*']);
    if (!match) return reply.code(404).send({ ok: false, error_code: 404, description: 'Not Found' });
    const handler = methods[match[1]!];
    if (!handler) return { ok: true, result: true };
    try {
      const result = await handler(await files.fieldsOf(request.headers['content-type'] ?? '', request.body));
      return { ok: true, result };
    } catch (error) {
      const code = (error as { code?: number }).code ?? 500;
      return reply.code(code).send({ ok: false, error_code: code, description: (error as Error).message });
    }
  });
  // What the page's user does while the server stops is refused with a clear answer, never shown and then lost.
  const PAGE_ACTIONS = new Set(['say', 'press', 'photos', 'samples', 'pay']);
  api.addHook('onRequest', async (request, reply) => {
    const action = request.url.split('?')[0]!.split('/').at(-1)!;
    if (chat.closing && request.method === 'POST' && PAGE_ACTIONS.has(action))
      return reply.code(503).send({ error: 'Service Unavailable', message: 'The playground is stopping; try again once it is back.' });
  });
  files.routes(api);
  messages.routes(api);
  payments.routes(api);

  api.get('/history', async () => [...store.messages.values()]);

  api.get('/events', (request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    reply.raw.write(': connected\n\n');
    chat.listeners.add(reply.raw);
    request.raw.on('close', () => chat.listeners.delete(reply.raw));
  });
  // Before the server waits for open connections: an open page would hold a shutdown until its timeout.
  api.addHook('preClose', async () => {
    chat.closing = true;
    // While the server still listens: the bot's answers to them come back through this very API.
    await Promise.allSettled([...chat.delivering]);
    for (const listener of chat.listeners) listener.end();
    await store.flush();
  });
};
