import { eq } from 'drizzle-orm';
import t from 'tap';
import { supportMessages, users } from '../src/db/schema.js';
import { BOT_INFO } from './support/fakes/telegram-api.js';
import { ALICE, buildTestApp, callbackUpdate, messageUpdate, postUpdate, type TestEnv, textUpdate } from './support/helper.js';
import { entriesOf } from './support/paid.js';
import { seedAvatar, userOf } from './support/seed.js';

/**
 * A message for support is never a picture: the text after /paysupport, or a
 * reply to /paysupport's or the help's message, is kept for the operator, sent
 * to SUPPORT_CHAT_ID and answered — with prices on and a trained main avatar,
 * where any other text would be drawn for Stars.
 */

const SUPPORT_CHAT = -100777;
const pictures = (env: TestEnv) => env.fal.state.submissions.filter((s) => s.modelId === 'fal-ai/flux-lora');
const lastTo = (env: TestEnv, chatId: number) =>
  env.telegram
    .callsOf('sendMessage')
    .filter((c) => c.payload.chat_id === chatId)
    .at(-1);

async function paidUserWithMainAvatar(env: TestEnv) {
  const alice = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, alice.id, 'Anna', 'completed', new Date());
  await env.deps.db.update(users).set({ mainAvatarId: avatar.id }).where(eq(users.id, alice.id));
  return avatar;
}

t.test('the text after /paysupport goes to support: recorded once, forwarded, answered, not drawn or charged', async (t) => {
  const env = await buildTestApp(t, { PRICE_GENERATION: '5', FREE_CREDITS: '50', SUPPORT_CHAT_ID: String(SUPPORT_CHAT) });
  await paidUserWithMainAvatar(env);

  await postUpdate(env.app, textUpdate('/paysupport', ALICE));
  t.match(lastTo(env, ALICE.id)?.payload.text, /^💬 Поддержка по оплате/);
  const update = textUpdate('Платёж 12345 не зачислился', ALICE);
  await postUpdate(env.app, update);
  await postUpdate(env.app, update);
  await env.deps.tasks.drain(10_000);

  t.equal(lastTo(env, ALICE.id)?.payload.text, '📨 Передал ваше сообщение в поддержку — ответим здесь же. Ничего не списано.');
  t.equal(pictures(env).length, 0, 'not drawn');
  t.notOk(
    (await entriesOf(env, ALICE)).some((e) => e.kind === 'generation'),
    'not charged',
  );
  const rows = await env.deps.db.select().from(supportMessages);
  t.equal(rows.length, 1, 'recorded once, redelivery or not');
  t.match(rows[0], { chatId: ALICE.id, text: 'Платёж 12345 не зачислился' });
  t.ok(rows[0]?.forwardedAt, 'forwarded');
  t.equal(lastTo(env, SUPPORT_CHAT)?.payload.text, '💬 Сообщение в поддержку от Алиса @alice (id 501):\n\nПлатёж 12345 не зачислился');

  // The step is over: the next text is a prompt again — its price shown first.
  await postUpdate(env.app, textUpdate('на пляже', ALICE));
  t.match(lastTo(env, ALICE.id)?.payload.text, /^🎨 Нарисовать с аватаром «Anna»: «на пляже»\?/);
  t.equal(pictures(env).length, 0);
});

t.test('a typed prompt that costs Stars shows its price first, once a conversation; it can be declined or replaced', async (t) => {
  const env = await buildTestApp(t, { PRICE_GENERATION: '5', FREE_CREDITS: '50', MAX_RUNNING_GENERATIONS: '5' });
  const avatar = await paidUserWithMainAvatar(env);

  await postUpdate(env.app, textUpdate('на пляже', ALICE));
  const asked = lastTo(env, ALICE.id)!;
  t.equal(
    asked.payload.text,
    '🎨 Нарисовать с аватаром «Anna»: «на пляже»?\n\nЦена — 5 ⭐, на балансе 50 ⭐. В этом разговоре больше спрашивать не буду.',
  );
  const buttons = (asked.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat();
  t.same(
    buttons.map((b) => b.text),
    ['🎨 Нарисовать за 5 ⭐', '✖️ Не рисовать'],
  );
  const messageId = (asked.result as { message_id: number }).message_id;
  await postUpdate(env.app, callbackUpdate(buttons[1]!.callback_data, messageId, ALICE));
  t.equal(env.telegram.callsOf('editMessageText').at(-1)?.payload.text, 'Хорошо, не рисую. Ничего не списано.');
  t.equal(pictures(env).length, 0, 'declined: nothing drawn');
  t.notOk(
    (await entriesOf(env, ALICE)).some((e) => e.kind === 'generation'),
    'nor charged',
  );

  // A new text while the price waits replaces the prompt; agreeing draws it and charges once.
  await postUpdate(env.app, textUpdate('в горах', ALICE));
  await postUpdate(env.app, textUpdate('в горах зимой', ALICE));
  const second = lastTo(env, ALICE.id)!;
  t.match(second.payload.text, /«в горах зимой»\?/);
  await postUpdate(env.app, callbackUpdate(`gen_confirm:${avatar.id}`, (second.result as { message_id: number }).message_id, ALICE));
  await env.deps.tasks.drain(10_000);
  t.equal(pictures(env).length, 1);
  t.equal(pictures(env)[0]?.input.prompt, 'TOK_0000abcd woman, в горах зимой');

  // A typed prompt too long to draw says how long it was.
  await postUpdate(env.app, textUpdate('x'.repeat(1200), ALICE));
  t.equal(lastTo(env, ALICE.id)?.payload.text, '❌ Запрос должен быть текстом от 1 до 1000 символов — в этом 1200');

  // The rest of the conversation is not asked again.
  await postUpdate(env.app, textUpdate('в лесу', ALICE));
  await env.deps.tasks.drain(10_000);
  t.equal(pictures(env).length, 2, 'drawn without asking');
  t.equal((await entriesOf(env, ALICE)).filter((e) => e.kind === 'generation').length, 2, 'each picture charged once');
});

t.test('a reply to /paysupport or to the help, whenever it comes, goes to support; a menu button leaves the support step', async (t) => {
  const env = await buildTestApp(t, { PRICE_GENERATION: '5', FREE_CREDITS: '50' });
  await paidUserWithMainAvatar(env);
  const [user] = await env.deps.db.select().from(users).where(eq(users.telegramId, ALICE.id));
  t.ok(user);

  await postUpdate(env.app, textUpdate('/paysupport', ALICE));
  const support = lastTo(env, ALICE.id)!;
  await postUpdate(env.app, textUpdate('🎭 Мои аватары', ALICE));
  await postUpdate(env.app, textUpdate('в горах', ALICE));
  t.match(
    lastTo(env, ALICE.id)?.payload.text,
    /^🎨 Нарисовать с аватаром «Anna»: «в горах»\?/,
    'after a menu button, text is a prompt again',
  );

  const bot = BOT_INFO;
  const replyTo = (m: { payload: Record<string, unknown>; result?: unknown }) => ({
    ...(m.result as object),
    from: bot,
    chat: { id: ALICE.id, type: 'private' },
    date: 1,
    text: String(m.payload.text),
  });
  await postUpdate(env.app, messageUpdate(ALICE, { text: 'Номер платежа: 999', reply_to_message: replyTo(support) }));
  await postUpdate(env.app, textUpdate('/help', ALICE));
  const help = lastTo(env, ALICE.id)!;
  await postUpdate(env.app, messageUpdate(ALICE, { text: 'Как удалить аватар?', reply_to_message: replyTo(help) }));
  await env.deps.tasks.drain(10_000);
  t.equal(pictures(env).length, 0, 'replies are not drawn');
  t.same(
    (await env.deps.db.select().from(supportMessages)).map((m) => m.text),
    ['Номер платежа: 999', 'Как удалить аватар?'],
  );
  t.equal(lastTo(env, ALICE.id)?.payload.text, '📨 Передал ваше сообщение в поддержку — ответим здесь же. Ничего не списано.');
});
