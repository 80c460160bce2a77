import { Composer } from 'telegraf';
import { message } from 'telegraf/filters';
import { markSupportForwarded, recordSupportMessage } from '../../domain/support.js';
import { clearWizardState, setWizardState } from '../../domain/wizard-state.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { texts } from '../texts/index.js';
import { MENU_BUTTONS } from '../views/main-menu.js';

/** The first lines of the bot's messages a reply to which is meant for support: /paysupport's and the help's. */
const SUPPORT_HEADERS = Object.values(texts).flatMap((t) => [
  t.stars.paySupport({ free: false, contact: undefined, payments: [] }).split('\n')[0]!,
  t.help({ min: 1, max: 1, time: [1, 1] }).split('\n')[0]!,
]);

/**
 * Messages for support: the text after /paysupport, and any reply to
 * /paysupport's or the help's message. They are kept for the operator, sent to
 * SUPPORT_CHAT_ID when it is set, and answered — never drawn as a prompt.
 */
export function supportFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();
  const { supportChatId } = deps.config.billing;

  feature.command('paysupport', async (ctx, next) => {
    // /paysupport's own answer is the stars feature's; from now on the next text is for support.
    await setWizardState(deps.db, ctx.chat.id, { step: 'support' });
    return next();
  });

  feature.on(message('text'), async (ctx, next) => {
    const text = ctx.message.text.trim();
    const replied = ctx.message.reply_to_message;
    const toSupport = replied?.from?.id === ctx.botInfo.id && 'text' in replied && SUPPORT_HEADERS.some((h) => replied.text.startsWith(h));
    if ((!toSupport && ctx.wizard?.step !== 'support') || text.startsWith('/') || MENU_BUTTONS.includes(text)) return next();
    if (ctx.wizard?.step === 'support') await clearWizardState(deps.db, ctx.chat.id);
    const id = await recordSupportMessage(deps.db, {
      userId: ctx.user?.id ?? null,
      chatId: ctx.chat.id,
      updateId: ctx.update.update_id,
      text,
    });
    ctx.log.warn({ support_message_id: id }, 'support message received');
    await ctx.reply(ctx.t.support.received);
    if (id && supportChatId !== undefined) {
      const from = ctx.from;
      const who = `${from.first_name}${from.username ? ` @${from.username}` : ''} (id ${from.id})`;
      await ctx.telegram.sendMessage(supportChatId, texts.ru.support.forwarded(who, text));
      await markSupportForwarded(deps.db, id);
    }
  });

  return feature;
}
