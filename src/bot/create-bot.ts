import type { Logger } from 'pino';
import { Telegraf } from 'telegraf';
import { isDatabaseUnavailable, type Db } from '../db/client.js';
import { upsertUser } from '../domain/users.js';
import type { BotContext } from './context.js';
import { helpFeature } from './features/help.js';
import { startFeature } from './features/start.js';
import { mainMenuKeyboard } from './keyboards.js';
import { langOf, texts } from './texts.js';

export type BotDeps = { db: Db; logger: Logger };

export type Bot = Telegraf<BotContext>;

/** Without a token the bot still handles updates; its Bot API calls go to `apiRoot` (the local playground). */
const PLACEHOLDER_TOKEN = '0:playground';

export function createBot(options: { token: string | undefined; apiRoot: string }, deps: BotDeps): Bot {
  const bot = new Telegraf<BotContext>(options.token ?? PLACEHOLDER_TOKEN, {
    telegram: { apiRoot: options.apiRoot, webhookReply: false },
  });

  bot.use(async (ctx, next) => {
    ctx.log = deps.logger.child({ update_id: ctx.update.update_id });
    ctx.lang = langOf(ctx.from?.language_code);
    if (ctx.from && ctx.chat && !ctx.from.is_bot) {
      ctx.user = await upsertUser(deps.db, ctx.from, ctx.chat.id);
    }
    return next();
  });

  bot.use(startFeature());
  bot.use(helpFeature());

  bot.on('message', async (ctx) => {
    await ctx.reply(texts[ctx.lang].chooseFromMenu, mainMenuKeyboard(ctx.lang));
  });

  // One error boundary: log with the update id, tell the user, and answer the webhook 200 so a
  // bad update never blocks the chat's queue. Only an unavailable database fails the webhook,
  // so that Telegram redelivers the update once we can handle it.
  bot.catch(async (error, ctx) => {
    if (isDatabaseUnavailable(error)) throw error;
    const log = ctx.log ?? deps.logger.child({ update_id: ctx.update.update_id });
    log.error({ err: error }, 'bot handler failed');
    if (!ctx.chat) return;
    try {
      await ctx.reply(texts[ctx.lang ?? 'ru'].somethingWentWrong);
    } catch (replyError) {
      log.warn({ err: replyError }, 'could not tell the user about the failure');
    }
  });

  return bot;
}
