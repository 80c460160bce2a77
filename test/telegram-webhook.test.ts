import { count, eq, inArray } from 'drizzle-orm';
import t from 'tap';
import type { Update } from 'telegraf/types';
import { processedUpdates, users } from '../src/db/schema.js';
import { ALICE, BOB, buildTestApp, postRawUpdate, postUpdate, textUpdate, WEBHOOK_SECRET } from './support/helper.js';

t.test('the Telegram webhook', async (t) => {
  const { app, telegram, deps } = await buildTestApp(t);

  t.test('refuses a missing or wrong secret token with 401 and never reaches the bot', async (t) => {
    for (const secret of [null, '', 'wrong', `${WEBHOOK_SECRET}x`, WEBHOOK_SECRET.slice(0, -1)]) {
      const res = await postUpdate(app, textUpdate('/start'), secret);
      t.equal(res.statusCode, 401, `secret ${JSON.stringify(secret)}`);
      t.same(res.json(), { error: 'Unauthorized', message: 'missing or wrong X-Telegram-Bot-Api-Secret-Token' });
    }
    t.equal(telegram.callsOf('sendMessage').length, 0);
    const [claims] = await deps.db.select({ n: count() }).from(processedUpdates);
    t.equal(claims?.n, 0, 'no update was claimed');
  });

  t.test('checks the secret before looking at the body', async (t) => {
    const res = await postRawUpdate(app, 'application/json', '{not json', 'nope');
    t.equal(res.statusCode, 401);
  });

  t.test('/start greets in Russian by default with the main menu', async (t) => {
    const res = await postUpdate(app, textUpdate('/start', ALICE));
    t.equal(res.statusCode, 200);
    const call = await telegram.waitFor('sendMessage', (p) => p.chat_id === ALICE.id);
    t.match(call.payload.text, /^👋 Привет, Алиса!/);
    t.same((call.payload.reply_markup as { keyboard: unknown }).keyboard, [
      ['➕ Создать аватар', '🎭 Мои аватары'],
      ['🎨 Генерация', '📸 Фотосессии'],
      ['ℹ️ Помощь'],
    ]);
    t.equal((call.payload.reply_markup as { is_persistent?: boolean }).is_persistent, true);
    const [user] = await deps.db.select().from(users).where(eq(users.telegramId, ALICE.id));
    t.equal(user?.chatId, ALICE.id, 'the user is stored with their chat');
    t.equal(user?.languageCode, 'ru');
  });

  t.test('/start answers in English when the user’s language is en', async (t) => {
    await postUpdate(app, textUpdate('/start', BOB));
    const call = await telegram.waitFor('sendMessage', (p) => p.chat_id === BOB.id);
    t.match(call.payload.text, /^👋 Hi, Bob!/);
    t.same((call.payload.reply_markup as { keyboard: unknown }).keyboard, [
      ['➕ Create avatar', '🎭 My avatars'],
      ['🎨 Generate', '📸 Photo shoots'],
      ['ℹ️ Help'],
    ]);
  });

  t.test('a redelivered update_id is handled once', async (t) => {
    const from = { id: 777, first_name: 'Dup' };
    const update = textUpdate('/start', from);
    const first = await postUpdate(app, update);
    const again = await postUpdate(app, update);
    t.equal(first.statusCode, 200);
    t.equal(again.statusCode, 200, 'Telegram must not retry it');
    t.same(again.json(), { ok: true, duplicate: true });
    t.equal(telegram.callsOf('sendMessage').filter((c) => c.payload.chat_id === from.id).length, 1);
  });

  t.test('concurrent deliveries of one update_id are handled once', async (t) => {
    const from = { id: 778, first_name: 'Race' };
    const update = textUpdate('/start', from);
    const answers = await Promise.all(Array.from({ length: 8 }, () => postUpdate(app, update)));
    const codes = answers.map((r) => r.statusCode);
    t.ok(
      codes.every((code) => code === 200 || code === 503),
      'each is answered: handled, a duplicate, or 503 while the first is still running (Telegram retries those)',
    );
    t.ok(codes.includes(200));
    t.equal(telegram.callsOf('sendMessage').filter((c) => c.payload.chat_id === from.id).length, 1, 'handled once');
  });

  t.test('thirty updates at once: each answered after it is marked handled, so each redelivery is a duplicate', async (t) => {
    const senders = Array.from({ length: 30 }, (_, i) => ({ id: 900 + i, first_name: `Burst ${i}` }));
    const updates = senders.map((from) => textUpdate('/start', from));
    const first = await Promise.all(updates.map((update) => postUpdate(app, update)));
    t.same(
      first.map((r) => r.json()),
      updates.map(() => ({ ok: true })),
    );
    const ids = updates.map((u) => u.update_id);
    const marked = await deps.db.select().from(processedUpdates).where(inArray(processedUpdates.updateId, ids));
    t.equal(marked.filter((row) => row.doneAt !== null).length, 30, 'every one is marked done before its 200');
    const again = await Promise.all(updates.map((update) => postUpdate(app, update)));
    t.same(
      again.map((r) => r.json()),
      updates.map(() => ({ ok: true, duplicate: true })),
    );
    const stored = await deps.db
      .select()
      .from(users)
      .where(
        inArray(
          users.telegramId,
          senders.map((s) => s.id),
        ),
      );
    t.equal(stored.length, 30, 'each sender is stored with the claim');
  });

  t.test('a redelivery writes nothing: the user is kept current only with a won claim', async (t) => {
    const update = textUpdate('/start', { id: 780, first_name: 'Before' });
    await postUpdate(app, update);
    const changed = structuredClone(update) as typeof update & { message: { from: { first_name: string } } };
    changed.message.from.first_name = 'After';
    t.same((await postUpdate(app, changed)).json(), { ok: true, duplicate: true });
    const [user] = await deps.db.select().from(users).where(eq(users.telegramId, 780));
    t.equal(user?.firstName, 'Before');
    await postUpdate(app, textUpdate('/help', { id: 780, first_name: 'After' }));
    const [current] = await deps.db.select().from(users).where(eq(users.telegramId, 780));
    t.equal(current?.firstName, 'After', 'a new update does keep the names current');
    t.ok(current && user && current.updatedAt > user.updatedAt);
  });

  t.test('a new user’s first updates at once: each is handled as theirs', async (t) => {
    const newcomers = Array.from({ length: 6 }, (_, i) => ({ id: 950 + i, first_name: `New ${i}` }));
    const presses = newcomers.flatMap((from) => Array.from({ length: 4 }, () => textUpdate('🎭 Мои аватары', from)));
    const answers = await Promise.all(presses.map((update) => postUpdate(app, update)));
    t.ok(answers.every((r) => r.statusCode === 200));
    for (const from of newcomers) {
      const replies = telegram.callsOf('sendMessage').filter((c) => c.payload.chat_id === from.id);
      t.equal(replies.length, 4, `${from.first_name}: every press answered with their (empty) gallery`);
    }
  });

  t.test('an update from a group stores no user', async (t) => {
    const update = textUpdate('/start', { id: 781, first_name: 'Grouped' }) as Update & { message: { chat: unknown } };
    update.message.chat = { id: -100_781, type: 'supergroup', title: 'Group' };
    t.equal((await postUpdate(app, update)).statusCode, 200);
    t.same(await deps.db.select().from(users).where(eq(users.telegramId, 781)), []);
  });

  t.test('other text gets the menu hint, not silence', async (t) => {
    const from = { id: 779, first_name: 'Chatty' };
    await postUpdate(app, textUpdate('hello?', from));
    const call = await telegram.waitFor('sendMessage', (p) => p.chat_id === from.id);
    t.equal(call.payload.text, 'Выберите действие в меню 👇');
  });

  t.test('a failing Bot API call is logged, and the webhook still answers 200', async (t) => {
    const from = { id: 780, first_name: 'Unlucky' };
    telegram.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' });
    const res = await postUpdate(app, textUpdate('/start', from));
    t.equal(res.statusCode, 200);
    const apology = await telegram.waitFor(
      'sendMessage',
      (p) => p.chat_id === from.id && p.text !== undefined && String(p.text).startsWith('⚠️'),
    );
    t.equal(apology.payload.text, '⚠️ Что-то пошло не так. Попробуйте ещё раз чуть позже.');
  });

  t.test('malformed JSON is a 400 JSON error', async (t) => {
    const res = await postRawUpdate(app, 'application/json', '{"update_id": 1,');
    t.equal(res.statusCode, 400);
    t.equal(res.json().error, 'BadRequest');
    t.type(res.json().message, 'string');
    t.notMatch(res.body, /at .*\.js:\d+/, 'no stack trace');
  });

  t.test('an update without update_id is a 400 JSON error', async (t) => {
    for (const payload of [{}, { update_id: 'abc' }, { update_id: -1 }, []]) {
      const res = await postUpdate(app, payload);
      t.equal(res.statusCode, 400, JSON.stringify(payload));
      t.equal(res.json().error, 'BadRequest');
    }
  });

  t.test('a body over the limit is a 413 JSON error', async (t) => {
    const res = await postUpdate(app, { update_id: 5, message: { text: 'x'.repeat(1024 * 1024 + 1) } });
    t.equal(res.statusCode, 413);
    t.equal(res.json().error, 'PayloadTooLarge');
  });

  t.test('a non-JSON content type is a 415 JSON error', async (t) => {
    const res = await postRawUpdate(app, 'text/plain', 'update_id=1');
    t.equal(res.statusCode, 415);
    t.equal(res.json().error, 'UnsupportedMediaType');
  });
});

t.test('a database that is down answers 503 so Telegram redelivers', async (t) => {
  const { app, database, telegram } = await buildTestApp(t);
  await database.drop();
  const res = await postUpdate(app, textUpdate('/start'));
  t.equal(res.statusCode, 503);
  t.equal(res.json().error, 'ServiceUnavailable');
  t.equal(telegram.callsOf('sendMessage').length, 0);
});

t.test('/help and the menu’s help button explain the process', async (t) => {
  const { app, telegram } = await buildTestApp(t);
  await postUpdate(app, textUpdate('/help', ALICE));
  const ru = await telegram.waitFor('sendMessage', (p) => p.chat_id === ALICE.id);
  t.match(ru.payload.text, /^ℹ️ Как это работает/);
  t.match(ru.payload.text, /от 10 до 20 фото/);
  await postUpdate(app, textUpdate('ℹ️ Help', BOB));
  const en = await telegram.waitFor('sendMessage', (p) => p.chat_id === BOB.id);
  t.match(en.payload.text, /^ℹ️ How it works/);
});
