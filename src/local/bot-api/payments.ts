import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { badRequest, type Chat, type Method, userFor } from './chat.js';

/** Telegram Stars in the playground: the bot's invoice, and "Pay ⭐N" on it as Telegram's two updates. */
export function chatPayments(chat: Chat) {
  /** The bot's answers to pre-checkout queries, by query id, until the page's payment reads them. */
  const checkouts = new Map<string, { ok: boolean; error: string | undefined }>();

  const methods: Record<string, Method> = {
    sendInvoice: (f) => {
      const prices = f.prices as { amount: number }[] | undefined;
      if (f.currency !== 'XTR' || f.provider_token || prices?.length !== 1) throw badRequest('STARS_INVOICE_INVALID');
      const invoice = {
        title: String(f.title),
        description: String(f.description),
        currency: 'XTR',
        amount: Number(prices[0]!.amount),
        payload: String(f.payload),
      };
      return chat.botMessage(f, { invoice });
    },
    answerPreCheckoutQuery: (f) => {
      checkouts.set(String(f.pre_checkout_query_id), { ok: f.ok === true, error: f.error_message as string | undefined });
      return true;
    },
    refundStarPayment: () => true,
  };

  function routes(api: FastifyInstance) {
    /**
     * "Pay ⭐N" on an invoice card: Telegram's two steps as real updates — the
     * pre-checkout question, and once the bot said ok, the payment message.
     */
    api.post('/pay', async (request, reply) => {
      const messageId = Number((request.body as { message_id?: unknown } | null)?.message_id);
      const message = chat.store.messages.get(messageId);
      const invoice = message?.invoice;
      if (!message || !invoice || invoice.paid)
        return reply.code(400).send({ error: 'BadRequest', message: 'no unpaid invoice in that message' });
      const queryId = randomBytes(6).toString('hex');
      await chat.deliver({
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
        chat.emit('toast', { text: error, alert: true });
        return { paid: false, error };
      }
      invoice.paid = true;
      chat.store.keep(message);
      chat.emit('edit', message);
      const chargeId = `playground-${randomBytes(8).toString('hex')}`;
      const successful_payment = {
        currency: invoice.currency,
        total_amount: invoice.amount,
        invoice_payload: invoice.payload,
        telegram_payment_charge_id: chargeId,
        provider_payment_charge_id: '',
      };
      await chat.deliver({ message: chat.userMessage(userFor(request), { successful_payment }, { text: `⭐ ${invoice.amount}` }) });
      return { paid: true, charge_id: chargeId };
    });
  }

  return { methods, routes };
}
