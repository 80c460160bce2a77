import { Telegram, TelegramError } from 'telegraf';
import type { Telegram as BotApi, Opts, UserFromGetMe } from 'telegraf/types';

/** Without a token the bot still handles updates; its Bot API calls go to `apiRoot` (the local playground). */
const PLACEHOLDER_TOKEN = '0:playground';

/** Telegram's 429 asks to wait `retry_after` seconds; waits this long or less are taken inline. */
const MAX_INLINE_WAIT_S = 5;
const MAX_RETRIES = 2;
/** Uploads carry streams that a first attempt has consumed: they are not retried here (the outbox retries its own). */
const UPLOADS = new Set(['sendPhoto', 'sendMediaGroup', 'sendDocument', 'editMessageMedia']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Bot API client, shared by the bot and the outbox sender. Telegram answers
 * bursts (an album is ten updates, each with a reply or an edit) with 429 and
 * `retry_after`: a short wait is taken and the call repeated, so a request that
 * would succeed a second later does not fail a handler.
 */
class PatientTelegram extends Telegram {
  override async callApi<M extends keyof BotApi>(
    method: M,
    payload: Opts<M>,
    options?: Parameters<Telegram['callApi']>[2],
  ): Promise<ReturnType<BotApi[M]>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await super.callApi(method, payload, options);
      } catch (error) {
        const wait = error instanceof TelegramError && error.code === 429 ? error.parameters?.retry_after : undefined;
        if (wait === undefined || wait > MAX_INLINE_WAIT_S || attempt >= MAX_RETRIES || UPLOADS.has(method)) throw error;
        await sleep(wait * 1000);
      }
    }
  }
}

export function createTelegram(options: { token: string | undefined; apiRoot: string }): Telegram {
  return new PatientTelegram(options.token ?? PLACEHOLDER_TOKEN, { apiRoot: options.apiRoot, webhookReply: false });
}

const lookups = new WeakMap<Telegram, Promise<UserFromGetMe>>();

/**
 * The bot's own identity (getMe), looked up once and kept — but only when the
 * lookup succeeded. telegraf caches its first getMe promise even when it was
 * rejected, which would fail every later update until a restart; with the
 * identity set here first, telegraf never asks itself. Concurrent updates share
 * one lookup; a failed one is forgotten, so the next update asks again.
 */
export async function botIdentity(telegram: Telegram): Promise<UserFromGetMe> {
  let lookup = lookups.get(telegram);
  if (!lookup) {
    lookup = telegram.getMe();
    lookups.set(telegram, lookup);
    lookup.catch(() => lookups.delete(telegram));
  }
  return lookup;
}
