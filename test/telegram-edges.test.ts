import { eq } from 'drizzle-orm';
import t from 'tap';
import type { Update } from 'telegraf/types';
import { avatarPhotos, botState, generations, processedUpdates, users } from '../src/db/schema.js';
import { ALICE, BOB, buildTestApp, callbackUpdate, postUpdate, textUpdate } from './support/helper.js';
import { seedAvatar, userOf } from './support/seed.js';
import { isTo, type Message, progressText, settledProgress, startWizard, uploadPhotos } from './support/wizard-driver.js';

/** How the real Bot API misbehaves, reproduced by the fake, and what the bot does about it. */

const SOMETHING_WRONG = '⚠️ Что-то пошло не так';
const wentWrong = (env: { telegram: { callsOf(m: string): { payload: Record<string, unknown> }[] } }) =>
  env.telegram.callsOf('sendMessage').filter((c) => String(c.payload.text).startsWith(SOMETHING_WRONG));

t.test('a getMe that fails once does not wedge the bot: the next delivery is handled', async (t) => {
  const env = await buildTestApp(t);
  env.telegram.failNext('getMe', { error_code: 502, description: 'Bad Gateway' });
  const update = textUpdate('/start');
  const first = await postUpdate(env.app, update);
  t.ok(first.statusCode >= 500, 'the failed lookup asks Telegram to deliver again');
  const again = await postUpdate(env.app, update);
  t.equal(again.statusCode, 200, 'the redelivery is handled');
  const next = await postUpdate(env.app, textUpdate('/help'));
  t.equal(next.statusCode, 200);
  t.equal(env.telegram.callsOf('sendMessage').length, 2, 'both updates got their answer');
  t.equal(env.telegram.callsOf('getMe').length, 2, 'the identity is looked up again once, then kept');
});

t.test('429 on the progress edit: the photo counts, the user sees no error, the progress catches up', async (t) => {
  const env = await buildTestApp(t);
  await startWizard(env, ALICE, 'portrait', 'Busy');
  env.telegram.failNext('editMessageText', {
    error_code: 429,
    description: 'Too Many Requests: retry after 1',
    parameters: { retry_after: 1 },
  });
  await uploadPhotos(env, ALICE, 2);
  const stored = await env.deps.db.select().from(avatarPhotos);
  t.equal(stored.length, 2);
  t.same(wentWrong(env), [], 'no "something went wrong" for what succeeded');
  const firstCount = env.telegram.callsOf('editMessageText').filter((c) => /1\/20/.test(String(c.payload.text)));
  t.equal(firstCount.length, 2, 'the edit Telegram refused was made again after retry_after');
  t.match(await settledProgress(env, ALICE, /2\/20/), /2\/20/, 'the progress shows both photos');
});

t.test('the error boundary answers a pressed button even when the handler failed before answering', async (t) => {
  const env = await buildTestApp(t);
  await userOf(env, ALICE);
  env.telegram.failNext('answerCallbackQuery', { error_code: 500, description: 'Internal Server Error' });
  const res = await postUpdate(env.app, callbackUpdate('gallery_open', 5));
  t.equal(res.statusCode, 200);
  const answers = env.telegram.callsOf('answerCallbackQuery');
  t.equal(answers.length, 2, 'the boundary answered the button after the handler’s answer failed');
});

t.test('a progress message the user deleted is sent again instead of failing the upload', async (t) => {
  const env = await buildTestApp(t);
  const { progressMessageId } = await startWizard(env, ALICE, 'portrait', 'Gone');
  env.telegram.userDeletes(ALICE.id, progressMessageId);
  await uploadPhotos(env, ALICE, 1);
  t.same(wentWrong(env), []);
  const fresh = env.telegram
    .callsOf('sendMessage')
    .filter((c) => isTo(ALICE, '📊')(c.payload))
    .at(-1)!;
  const freshId = (fresh.result as Message).message_id;
  t.not(freshId, progressMessageId, 'a new progress message');
  t.match(String(fresh.payload.text), /1\/20/);
  const [state] = await env.deps.db.select().from(botState).where(eq(botState.chatId, ALICE.id));
  t.equal(state?.data.progressMessageId, freshId, 'later photos edit the new one');
  await uploadPhotos(env, ALICE, 1, 'q');
  t.match(progressText(env, ALICE.id, freshId), /2\/20/);
});

const GROUP = { id: -100777, type: 'supergroup', title: 'Friends' };

function groupMessage(text: string, from = BOB, updateId = Math.floor(Math.random() * 1e9)): Update {
  return {
    update_id: updateId,
    message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: GROUP, from: { is_bot: false, ...from }, text },
  } as Update;
}

t.test('in a group the bot says once that it works in private chat, and changes nothing', async (t) => {
  const env = await buildTestApp(t);
  const alice = await userOf(env, ALICE);
  const draft = await seedAvatar(env, alice.id, 'Mine', 'photos_uploading', new Date());
  const calls = env.telegram.calls.length;
  for (const text of ['/start', '➕ Создать аватар', 'hello']) {
    t.equal((await postUpdate(env.app, groupMessage(text, ALICE))).statusCode, 200);
  }
  await env.deps.tasks.drain(5_000);
  const toGroup = env.telegram.calls.slice(calls).filter((c) => c.payload.chat_id === GROUP.id);
  t.equal(toGroup.length, 1, 'one message to the group');
  t.match(String(toGroup[0]?.payload.text), /личн/i, 'it points to the private chat');
  const [after] = await env.deps.db.select().from(users).where(eq(users.id, alice.id));
  t.equal(after?.chatId, ALICE.id, 'the owner’s chat is not replaced by the group');
  const press = await postUpdate(env.app, {
    ...callbackUpdate(`avatar_photos_ready:${draft.id}`, 9, ALICE),
    callback_query: {
      ...(callbackUpdate(`avatar_photos_ready:${draft.id}`, 9, ALICE) as Update.CallbackQueryUpdate).callback_query,
      message: { message_id: 9, date: 1, chat: GROUP, text: 'x' },
    },
  });
  t.equal(press.statusCode, 200);
  t.match(String(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text), /личн/i, 'a button in a group is answered');
  const [stillDraft] = await env.deps.db.select().from(users).where(eq(users.id, alice.id));
  t.equal(stillDraft?.chatId, ALICE.id);
});

t.test('captions are cut by characters: a history never ends in half an emoji', async (t) => {
  const env = await buildTestApp(t);
  const alice = await userOf(env, ALICE);
  const done = await seedAvatar(env, alice.id, 'Emoji', 'completed', new Date());
  const prompt = `a${'😀'.repeat(60)}`;
  for (let i = 0; i < 12; i++) {
    await env.deps.db.insert(generations).values({
      avatarId: done.id,
      userId: alice.id,
      prompt,
      fullPrompt: prompt,
      modelId: 'fal-ai/flux-lora',
      format: 'portrait',
      status: 'completed',
    });
  }
  const res = await postUpdate(
    env.app,
    callbackUpdate(`avatar_history:${done.id}`, 7, ALICE, { photo: [{ file_id: 'x' }], caption: 'card' }),
  );
  t.equal(res.statusCode, 200);
  t.same(wentWrong(env), [], 'Telegram accepted the caption');
  const caption = String(env.telegram.callsOf('editMessageCaption').at(-1)?.payload.caption);
  t.ok(caption.length <= 1024 && caption.length > 900, 'as much as fits');
  t.notMatch(caption, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/, 'no lone high surrogate');
});

t.test('an update claim is a lease: a crash mid-update is handled on redelivery, a running one is retried later', async (t) => {
  const env = await buildTestApp(t);
  const botId = env.config.telegram.botId;
  t.equal(botId, 123456789, 'claims are per bot: the token’s number');
  const crashed = textUpdate('/start');
  // As a process killed mid-update leaves it: claimed, never finished, its lease run out.
  await env.deps.db.insert(processedUpdates).values({ botId, updateId: crashed.update_id, leaseUntil: new Date(Date.now() - 1000) });
  t.equal((await postUpdate(env.app, crashed)).statusCode, 200);
  t.equal(env.telegram.callsOf('sendMessage').length, 1, 'the redelivery is handled, not skipped');
  t.equal((await postUpdate(env.app, crashed)).statusCode, 200);
  t.equal(env.telegram.callsOf('sendMessage').length, 1, 'once handled, a redelivery is a duplicate');

  const running = textUpdate('/help');
  await env.deps.db.insert(processedUpdates).values({ botId, updateId: running.update_id, leaseUntil: new Date(Date.now() + 60_000) });
  const busy = await postUpdate(env.app, running);
  t.equal(busy.statusCode, 503, 'in progress elsewhere: Telegram delivers it again later');
  t.equal(env.telegram.callsOf('sendMessage').length, 1);

  const otherBots = textUpdate('/help');
  await env.deps.db.insert(processedUpdates).values({ botId: 42, updateId: otherBots.update_id, doneAt: new Date() });
  t.equal((await postUpdate(env.app, otherBots)).statusCode, 200);
  t.equal(env.telegram.callsOf('sendMessage').length, 2, 'another bot’s update with the same id is no duplicate');
});
