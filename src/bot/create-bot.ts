import type { Logger } from 'pino';
import { Context, Telegraf, type Telegram } from 'telegraf';
import type { Update, UserFromGetMe } from 'telegraf/types';
import { isDatabaseUnavailable } from '../db/client.js';
import { notifyPrivateOnly } from '../domain/notifications.js';
import { forgetCard } from '../domain/shown-cards.js';
import type { UpdatePreamble, UpdateSubject } from '../domain/telegram-updates.js';
import type { BotDeps } from './bot-deps.js';
import type { BotContext } from './context.js';
import { createAvatarFeature } from './features/create-avatar.js';
import { deleteAvatarFeature } from './features/delete-avatar.js';
import { faceFlagsFeature } from './features/face-flags.js';
import { galleryFeature } from './features/gallery.js';
import { generateFeature } from './features/generate.js';
import { helpFeature } from './features/help.js';
import { historyFeature } from './features/history.js';
import { ideasFeature } from './features/ideas.js';
import { shootsFeature } from './features/shoots.js';
import { starsFeature } from './features/stars.js';
import { startFeature } from './features/start.js';
import { startTrainingFeature } from './features/start-training.js';
import { supportFeature } from './features/support.js';
import { uploadPhotosFeature } from './features/upload-photos.js';
import { createReplyGroups } from './reply-groups.js';
import { langOf, texts } from './texts/index.js';
import { MENU_BUTTONS, mainMenuKeyboard } from './views/main-menu.js';

export type Bot = Telegraf<BotContext>;

/** What the claim loaded for an update, handed to the bot's first middleware. */
const preambles = new WeakMap<Update, UpdatePreamble>();

/**
 * Who an update comes from and where, as the bot's middleware sees it
 * (telegraf's own `from` and `chat`): only a person in a private chat has a
 * user row and a wizard step, and a command or a menu button leaves the step
 * (the draft stays resumable).
 */
export function updateSubject(bot: Bot, update: Update): UpdateSubject {
  const { from, chat, message } = new Context(update, bot.telegram, bot.botInfo as UserFromGetMe);
  if (chat?.type !== 'private') return null;
  const text = message && 'text' in message ? message.text : undefined;
  return {
    chatId: chat.id,
    from: from && !from.is_bot ? from : null,
    leavesWizard: text !== undefined && (text.startsWith('/') || MENU_BUTTONS.includes(text)),
  };
}

const isPaymentMessage = (message: object | undefined) =>
  message !== undefined && ('successful_payment' in message || 'refunded_payment' in message);

/** Handles an update whose claim was won, starting from what the claim loaded. */
export async function handleClaimedUpdate(bot: Bot, update: Update, preamble: UpdatePreamble): Promise<void> {
  preambles.set(update, preamble);
  await bot.handleUpdate(update);
}

export function createBot(telegram: Telegram, ports: Omit<BotDeps, 'replies'>): Bot {
  const deps: BotDeps = { ...ports, replies: createReplyGroups(telegram, ports.tasks) };
  // telegraf gives every update a client of its own; ours (patient with 429s) is used instead.
  const contextType = class extends Context {
    constructor(update: Update, _perUpdate: Telegram, botInfo: UserFromGetMe) {
      super(update, telegram, botInfo);
    }
  };
  const bot = new Telegraf<BotContext>(telegram.token, { contextType: contextType as never });
  bot.telegram = telegram;

  bot.use(async (ctx, next) => {
    const preamble = preambles.get(ctx.update);
    if (!preamble) throw new Error('an update reached the bot without being claimed (use handleClaimedUpdate)');
    // Made on first use: most updates log nothing of their own.
    let log: Logger | undefined;
    Object.defineProperty(ctx, 'log', { get: () => (log ??= deps.logger.child({ update_id: ctx.update.update_id })) });
    ctx.t = texts[langOf(ctx.from?.language_code)];
    // Avatars are personal: in a group or a channel nothing is read or changed. The chat is
    // told once (the outbox's dedupe key keeps it to one message), a pressed button at once.
    // Except a payment: Stars paid (on an invoice forwarded there) or given back are recorded wherever they happen.
    if (ctx.chat && ctx.chat.type !== 'private' && !isPaymentMessage(ctx.message)) {
      if (ctx.callbackQuery) return ctx.answerCbQuery(ctx.t.privateOnly, { show_alert: true });
      if (await notifyPrivateOnly(deps.db, ctx.chat.id, ctx.from?.language_code ?? null)) deps.notifier.drainSoon();
      return;
    }
    if (preamble.user) ctx.user = preamble.user;
    ctx.wizard = preamble.wizard;
    ctx.leftStep = preamble.leftStep;
    return next();
  });

  // A card a press turned into something else (photos, history, a confirmation) is no card to redraw any more.
  bot.on('callback_query', async (ctx, next) => {
    await next();
    const pressed = ctx.callbackQuery.message;
    if (pressed && 'photo' in pressed && ctx.editedPressed && ctx.shownCard !== pressed.message_id)
      await forgetCard(deps.db, pressed.chat.id, pressed.message_id);
  });

  bot.use(startFeature(deps));
  bot.use(helpFeature(deps));
  // Before the wizard: a message for support, or a payment arriving mid-step, is not a name or a prompt.
  bot.use(supportFeature(deps));
  bot.use(starsFeature(deps));
  bot.use(createAvatarFeature(deps));
  bot.use(uploadPhotosFeature(deps));
  bot.use(faceFlagsFeature(deps));
  bot.use(startTrainingFeature(deps));

  bot.use(galleryFeature(deps));
  bot.use(historyFeature(deps));
  bot.use(deleteAvatarFeature(deps));

  bot.use(shootsFeature(deps));
  bot.use(generateFeature(deps));
  bot.use(ideasFeature(deps));

  bot.on('message', async (ctx) => {
    await ctx.reply(ctx.t.chooseFromMenu, mainMenuKeyboard(ctx.t));
  });

  // A button we did not build, or one no handler wanted: stop the client's spinner.
  bot.on('callback_query', (ctx) => ctx.answerCbQuery(ctx.t.staleButton));

  // One error boundary: log with the update id, tell the user, and answer the webhook 200 so a
  // bad update never blocks the chat's queue. Only an unavailable database fails the webhook,
  // so that Telegram redelivers the update once we can handle it.
  bot.catch(async (error, ctx) => {
    if (isDatabaseUnavailable(error)) throw error;
    const log = ctx.log ?? deps.logger.child({ update_id: ctx.update.update_id });
    log.error({ err: error }, 'bot handler failed');
    const t = ctx.t ?? texts.ru;
    try {
      // A pressed button spins until it is answered; a second answer of an answered one fails harmlessly.
      if (ctx.callbackQuery) await ctx.answerCbQuery(t.somethingWentWrong).catch(() => {});
      if (ctx.chat) await ctx.reply(t.somethingWentWrong);
    } catch (replyError) {
      log.warn({ err: replyError }, 'could not tell the user about the failure');
    }
  });

  return bot;
}
