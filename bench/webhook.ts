import { createServer } from 'node:http';
import { Postgres } from '@telegraf/session/pg';
import { eq } from 'drizzle-orm';
import Fastify from 'fastify';
import pg from 'pg';
import { session, Telegraf } from 'telegraf';
import { texts } from '../src/bot/texts/index.js';
import { mainMenuKeyboard } from '../src/bot/views/main-menu.js';
import { ensureDatabase } from '../src/db/embedded/launcher.js';
import { avatarPhotos, avatars, users } from '../src/db/schema.js';
import { BOT_INFO, startFakeTelegram } from '../test/support/fakes/telegram-api.js';
import { listen, load, median, report, SECRET, startApp, startUpdate, TOKEN } from './support.js';

export async function webhookThroughput(adminUrl: string, dataDir: string) {
  const section = '1 Telegram /start';
  const env = await startApp(adminUrl, 'bench_webhook', dataDir);

  /** telegraf's own webhook server answering the same /start, with `setup` before the handler. */
  async function telegrafPeer(setup: (bot: Telegraf) => void) {
    const telegram = await startFakeTelegram(TOKEN);
    const bot = new Telegraf(TOKEN, { telegram: { apiRoot: telegram.url, webhookReply: false } });
    bot.botInfo = BOT_INFO as never;
    setup(bot);
    bot.start((ctx) => ctx.reply(texts.ru.greeting(ctx.from.first_name, { min: 10, max: 20 }), mainMenuKeyboard(texts.ru)));
    // Updates cut off when the load stops must not crash the reference (telegraf's default rethrows).
    bot.catch(() => {});
    const server = createServer(bot.webhookCallback('/telegram/webhook', { secretToken: SECRET }));
    const url = `${await listen(server)}/telegram/webhook`;
    return {
      url,
      async close() {
        server.close();
        await telegram.close();
      },
    };
  }
  const plain = await telegrafPeer(() => {});
  // The peer with a database: telegraf's official Postgres session store, one read and one write per update.
  await ensureDatabase(adminUrl, 'bench_session');
  const sessionUrl = new URL(adminUrl);
  sessionUrl.pathname = '/bench_session';
  const pool = new pg.Pool({ connectionString: sessionUrl.toString(), max: 10 });
  const withSession = await telegrafPeer((bot) => {
    bot.use(session({ store: Postgres<{ starts: number }>({ pool }), defaultSession: () => ({ starts: 0 }) }));
    bot.use((ctx, next) => {
      (ctx as unknown as { session: { starts: number } }).session.starts += 1;
      return next();
    });
  });

  // The machine is shared and noisy: the three servers take turns, three rounds each, and the median counts.
  const servers = { ours: `${env.url}/telegram/webhook`, session: withSession.url, plain: plain.url };
  for (const url of Object.values(servers)) await load(url, (n) => startUpdate(n + 5_000_000)); // warm-up (JIT, pools, rows)
  env.telegram.calls.length = 0;
  const runs: Record<keyof typeof servers, Awaited<ReturnType<typeof load>>[]> = { ours: [], session: [], plain: [] };
  for (let round = 0; round < 3; round++) {
    for (const [name, url] of Object.entries(servers) as [keyof typeof servers, string][]) {
      runs[name].push(await load(url, (n) => startUpdate(n + round * 10_000_000)));
    }
  }
  // Updates still in flight when a load stops are answered after it: answered ≥ acknowledged.
  await new Promise((r) => setTimeout(r, 500));
  await pool.end();
  await plain.close();
  await withSession.close();
  const answered = env.telegram.callsOf('sendMessage').length;
  const acknowledged = runs.ours.reduce((sum, run) => sum + run.ok, 0);
  const [ours, session_, ref] = [median(runs.ours), median(runs.session), median(runs.plain)];
  const rates = (name: keyof typeof servers) => `rounds ${runs[name].map((run) => run.rps.toFixed(0)).join(' / ')}`;
  report(
    section,
    'avatar-bot req/s',
    ours.rps.toFixed(0),
    `p50 ${ours.p50} ms, p99 ${ours.p99} ms, non-2xx ${ours.errors}; ${rates('ours')}`,
  );
  report(
    section,
    'acknowledged / answered',
    `${acknowledged} / ${answered}`,
    answered >= acknowledged ? 'every acknowledged update answered' : 'MISSING ANSWERS',
  );
  report(
    section,
    'telegraf + @telegraf/session/pg req/s',
    session_.rps.toFixed(0),
    `p50 ${session_.p50} ms, p99 ${session_.p99} ms, one session read and write per update; ${rates('session')}`,
  );
  report(
    section,
    'telegraf webhookCallback req/s',
    ref.rps.toFixed(0),
    `p50 ${ref.p50} ms, p99 ${ref.p99} ms, no database; ${rates('plain')}`,
  );
  const ratio = ours.rps / session_.rps;
  report(section, 'ratio avatar-bot / telegraf + pg session', ratio.toFixed(2), `target ≥ 1.00 — ${ratio >= 1 ? 'met' : 'MISSED'}`);

  const bare = Fastify();
  bare.post('/telegram/webhook', async () => ({ ok: true }));
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
  const nothing = await load(`${bareUrl}/telegram/webhook`, startUpdate);
  await bare.close();
  report(section, 'bare Fastify route req/s', nothing.rps.toFixed(0), `p50 ${nothing.p50} ms`);
  report(section, 'ratio avatar-bot / telegraf (no database)', (ours.rps / ref.rps).toFixed(2), 'the bound to approach');
  report(section, 'ratio avatar-bot / bare Fastify', (ours.rps / nothing.rps).toFixed(2));

  // Gallery navigation: a callback that reads the cards and edits the card's media.
  const [user] = await env.deps.db.select().from(users).where(eq(users.telegramId, 10_000));
  const cards = await env.deps.db
    .insert(avatars)
    .values(['A', 'B', 'C'].map((name) => ({ userId: user!.id, name, trainingType: 'portrait' as const, status: 'completed' as const })))
    .returning();
  for (const card of cards) {
    await env.deps.db.insert(avatarPhotos).values({
      avatarId: card.id,
      storageKey: `avatars/${card.id}/photos/x.jpg`,
      telegramFileId: `file-${card.name}`,
      sha256: card.id.replace(/-/g, '').padEnd(64, '0'),
      sizeBytes: 1,
      width: 1024,
      height: 1024,
      format: 'jpeg',
      position: 1,
    });
  }
  env.telegram.calls.length = 0;
  const nav = await load(`${env.url}/telegram/webhook`, (n) => ({
    update_id: 9_000_000 + n,
    callback_query: {
      id: `cb${n}`,
      chat_instance: 'ci',
      from: { id: 10_000, is_bot: false, first_name: 'Load' },
      data: `gallery_card:${cards[n % 3]!.id}`,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: 10_000, type: 'private' },
        photo: [{ file_id: 'x', file_unique_id: 'x', width: 1, height: 1 }],
      },
    },
  }));
  report(
    '1b gallery callback',
    'req/s',
    nav.rps.toFixed(0),
    `p50 ${nav.p50} ms, p99 ${nav.p99} ms, edits ${env.telegram.callsOf('editMessageMedia').length}, non-2xx ${nav.errors}`,
  );
  await env.close();
}
