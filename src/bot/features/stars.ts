import { Composer } from 'telegraf';
import { message } from 'telegraf/filters';
import { can } from '../../domain/avatar-lifecycle.js';
import { findOwnedAvatar } from '../../domain/avatars.js';
import { currentBalance, type EntryKind, recentEntries } from '../../domain/billing/ledger.js';
import {
  checkCheckout,
  createOffer,
  invoicePayload,
  type Resume,
  recentPayments,
  recordPayment,
  recordRefund,
  takeResume,
  XTR,
} from '../../domain/billing/payments.js';
import { formatOr } from '../../domain/generation/request.js';
import { onAction } from '../actions.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { langOf, texts } from '../texts/index.js';
import { topUpView } from '../views/refusal.js';
import { button, view } from '../views/view.js';
import { generatePicture } from './generate.js';

/**
 * Telegram Stars: /balance with the packs, the invoice, the pre-checkout answer
 * (within Telegram's 10 seconds: one query), the payment credited once, and
 * "go on where you were"; /paysupport and /terms, as Telegram asks of bots that
 * sell digital goods.
 */
export function starsFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();
  const { billing } = deps.config;

  feature.command('balance', async (ctx) => {
    const t = ctx.t.stars;
    if (!billing.enabled || !ctx.user) return ctx.reply(t.free);
    const balance = await currentBalance(deps.db, ctx.user.id, billing.freeCredits);
    const entries = await recentEntries(deps.db, ctx.user.id);
    const text = t.balance({
      balance,
      priceTraining: billing.priceTraining,
      priceGeneration: billing.priceGeneration,
      movements: entries.map((e) => ({ date: e.createdAt, amount: e.amount, kind: e.kind as EntryKind, note: e.note })),
    });
    const v = topUpView(ctx.t, text, await createOffer(deps.db, ctx.user.id, null), billing.packs);
    return ctx.reply(v.text, v.markup);
  });

  /** Nothing costs Stars: /terms and /paysupport say so first. */
  const free = billing.priceTraining === 0 && billing.priceGeneration === 0 && billing.priceShoot === 0;
  feature.command('paysupport', async (ctx) => {
    const payments = ctx.from ? await recentPayments(deps.db, ctx.from.id) : [];
    return ctx.reply(
      ctx.t.stars.paySupport({
        free,
        contact: billing.supportContact,
        payments: payments.map((p) => ({ chargeId: p.chargeId, amount: p.amount, date: p.createdAt })),
      }),
    );
  });

  feature.command('terms', (ctx) =>
    ctx.reply(ctx.t.stars.terms({ free, priceTraining: billing.priceTraining, priceGeneration: billing.priceGeneration })),
  );

  feature.use(
    onAction('stars_buy', async (ctx, data) => {
      const t = ctx.t.stars;
      if (!billing.packs.includes(data.stars)) return ctx.answerCbQuery(ctx.t.staleButton);
      await ctx.answerCbQuery();
      await ctx.telegram.sendInvoice(ctx.chat.id, {
        title: t.invoiceTitle(data.stars),
        description: t.invoiceDescription({
          stars: data.stars,
          priceTraining: billing.priceTraining,
          priceGeneration: billing.priceGeneration,
        }),
        payload: invoicePayload(data.offerId, data.stars),
        // Forwarded copies then get a link to the bot instead of a Pay button anyone could press.
        start_parameter: 'stars',
        // Stars need no payment provider: the token is empty and there is exactly one price.
        provider_token: '',
        currency: XTR,
        prices: [{ label: t.invoiceLabel(data.stars), amount: data.stars }],
      });
    }),
  );

  feature.on('pre_checkout_query', async (ctx) => {
    const query = ctx.preCheckoutQuery;
    const facts = {
      telegramUserId: query.from.id,
      currency: query.currency,
      totalAmount: query.total_amount,
      payload: query.invoice_payload,
    };
    const mismatch = await checkCheckout(deps.db, facts, billing.packs);
    if (mismatch) ctx.log.warn({ reason: mismatch, amount: query.total_amount, currency: query.currency }, 'pre-checkout refused');
    await ctx.answerPreCheckoutQuery(mismatch === null, mismatch ? ctx.t.stars.offerExpired : undefined);
  });

  feature.on(message('successful_payment'), async (ctx) => {
    const payment = ctx.message.successful_payment;
    const t = ctx.t.stars;
    const result = await recordPayment(
      deps.db,
      {
        chargeId: payment.telegram_payment_charge_id,
        telegramUserId: ctx.from.id,
        currency: payment.currency,
        totalAmount: payment.total_amount,
        payload: payment.invoice_payload,
      },
      billing,
    );
    const log = ctx.log.child({ charge_id: payment.telegram_payment_charge_id, amount: payment.total_amount });
    if (!result.credited) {
      if (result.duplicate) return log.info('payment delivered again; credited once already');
      log.error({ problem: result.problem }, 'payment not credited: refund it with npm run refund');
      return ctx.reply(t.paymentProblem);
    }
    log.info({ balance: result.balance }, 'payment credited');
    const resume = result.resume ? await resumeButton(ctx, result.resume, result.offerId) : null;
    const v = view(t.credited({ amount: result.amount, balance: result.balance }), resume ? [[resume]] : []);
    return ctx.reply(v.text, v.markup);
  });

  // A service message of Bot API 7.10 (telegraf's types predate it): Telegram gave a payment back.
  feature.on('message', async (ctx, next) => {
    const refund = (ctx.message as { refunded_payment?: { telegram_payment_charge_id: string; total_amount: number } }).refunded_payment;
    if (!refund) return next();
    const log = ctx.log.child({ charge_id: refund.telegram_payment_charge_id, amount: refund.total_amount });
    const result = await recordRefund(deps.db, refund.telegram_payment_charge_id);
    if (result.outcome === 'unknown') return log.warn('refunded payment not known here: nothing taken off');
    if (result.outcome === 'not credited') return log.info('refunded payment had credited nothing');
    log.info({ balance: result.balance }, 'payment refunded: taken off the balance');
    // A refund the bot made is announced by a message from the bot itself: the payer's language is the payment's.
    return ctx.reply(texts[langOf(result.languageCode)].stars.refundedByTelegram(result));
  });

  /** The button that goes on where the price stopped the user, if that is still possible. */
  async function resumeButton(ctx: BotContext, resume: Resume, offerId: string) {
    if (!ctx.user) return null;
    const found = await findOwnedAvatar(deps.db, ctx.user.id, resume.avatarId);
    if (!found.ok) return null;
    const t = ctx.t.stars;
    if (resume.kind === 'generation') return button(t.resumeGeneration, { action: 'stars_resume', offerId });
    if (resume.kind === 'shoot') return button(ctx.t.sets.go, { action: 'shoot_pick', avatarId: found.avatar.id, theme: resume.theme });
    return can(found.avatar, 'beginSubmission')
      ? button(t.resumeTraining(found.avatar.name), { action: 'avatar_train', avatarId: found.avatar.id })
      : null;
  }

  feature.use(
    onAction('stars_resume', async (ctx, data) => {
      if (!ctx.user) return;
      const resume = await takeResume(deps.db, data.offerId, ctx.user.id);
      if (resume?.kind !== 'generation') return ctx.answerCbQuery(ctx.t.staleButton);
      const found = await findOwnedAvatar(deps.db, ctx.user.id, resume.avatarId);
      if (!found.ok) return ctx.answerCbQuery(ctx.t.avatarGone, { show_alert: true });
      await ctx.answerCbQuery();
      await ctx.editMessageReplyMarkup(undefined).catch(() => {});
      await generatePicture(ctx, deps, found.avatar, { words: resume.prompt, english: resume.englishPrompt }, formatOr(resume.format));
    }),
  );

  return feature;
}
