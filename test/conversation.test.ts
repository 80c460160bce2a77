import { eq } from 'drizzle-orm';
import t from 'tap';
import { avatars, botState, generations, users } from '../src/db/schema.js';
import { deliverLikeTelegram } from './support/fakes/telegram-api.js';
import { jpeg } from './support/fixtures/images.js';
import {
  ALICE,
  buildTestApp,
  callbackUpdate,
  INTERNAL_TOKEN,
  photoUpdate,
  postUpdate,
  type TestEnv,
  textUpdate,
} from './support/helper.js';
import { seedAvatar, userOf } from './support/seed.js';
import { isTo, type Message, sentTo, startWizard, uploadPhotos } from './support/wizard-driver.js';

/** What a user of a polished bot expects of the conversation (issue 16), through the fake Bot API. */

const lastCall = (env: TestEnv, method: string) => env.telegram.callsOf(method).at(-1);
const buttonsOf = (call: { payload: Record<string, unknown> } | undefined) =>
  (
    (call?.payload.reply_markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined)?.inline_keyboard ?? []
  ).flat();

t.test('text typed with a trained main avatar is a prompt: the picture is started in the remembered format', async (t) => {
  const env = await buildTestApp(t);
  const alice = await userOf(env, ALICE);
  await postUpdate(env.app, textUpdate('кот в шляпе'));
  t.equal(lastCall(env, 'sendMessage')?.payload.text, 'Выберите действие в меню 👇', 'no trained avatar: the menu');

  const avatar = await seedAvatar(env, alice.id, 'Cat', 'completed', new Date());
  await env.deps.db.update(users).set({ mainAvatarId: avatar.id, generationFormat: 'cinema' }).where(eq(users.id, alice.id));
  await postUpdate(env.app, textUpdate('кот в шляпе'));
  await env.fal.waitForSubmission(1);
  await env.deps.tasks.drain(10_000);
  const [generation] = await env.deps.db.select().from(generations).where(eq(generations.prompt, 'кот в шляпе'));
  t.match(generation, { avatarId: avatar.id, format: 'cinema' });
  t.match(sentTo(env, ALICE, '🎨 Генерирую').length, 1);
});

t.test('upload advice follows the avatar type; counts and times follow the settings', async (t) => {
  const env = await buildTestApp(t, { MIN_PHOTOS: '5', MAX_PHOTOS: '8', TRAINING_PRESET: 'fast' });
  await startWizard(env, ALICE, 'style', 'Style');
  const style = sentTo(env, ALICE, '📸 Аватар «Style»')[0]?.payload.text;
  t.match(style, 'от 5 до 8 фото');
  t.match(style, 'в одном стиле');
  t.notMatch(style, 'лицо', 'no face advice for a style');
  const portrait = await buildTestApp(t);
  await startWizard(portrait, ALICE, 'portrait', 'Face');
  t.match(sentTo(portrait, ALICE, '📸 Аватар «Face»')[0]?.payload.text, 'лицо видно чётко');

  await postUpdate(env.app, textUpdate('/start'));
  t.match(sentTo(env, ALICE, '👋')[0]?.payload.text, 'Загрузите 5–8 своих фото');
  await postUpdate(env.app, textUpdate('/help'));
  const help = lastCall(env, 'sendMessage')?.payload.text;
  t.match(help, 'Загрузите от 5 до 8 фото');
  t.match(help, 'оно займёт примерно 5–10 мин', 'the fast preset’s estimate, as the review says');
  t.notMatch(help, 'несколько минут');
});

t.test('a second tap on "✅ Готово к обучению" answers as the first did', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, progressMessageId } = await startWizard(env, ALICE, 'portrait', 'Twice');
  await uploadPhotos(env, ALICE, 10);
  await Promise.all([
    postUpdate(env.app, callbackUpdate(`avatar_photos_ready:${avatarId}`, progressMessageId)),
    postUpdate(env.app, callbackUpdate(`avatar_photos_ready:${avatarId}`, progressMessageId)),
  ]);
  const answers = env.telegram.callsOf('answerCallbackQuery').slice(-2);
  t.same(
    answers.map((c) => c.payload.text),
    [undefined, undefined],
    'no "Нужно минимум 10 фото" for the second tap',
  );
  const [row] = await env.deps.db.select().from(avatars).where(eq(avatars.id, avatarId));
  t.equal(row?.status, 'ready');
});

t.test('/start in the middle of creating an avatar says the draft is kept and how to resume', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId } = await startWizard(env, ALICE, 'portrait', 'Draft');
  await uploadPhotos(env, ALICE, 2);
  await postUpdate(env.app, textUpdate('/start'));
  const kept = sentTo(env, ALICE, '📝 Черновик «Draft» сохранён (фото: 2)')[0];
  t.ok(kept, 'the draft is mentioned');
  t.match(buttonsOf(kept), [{ text: '🔄 Продолжить «Draft»', callback_data: `avatar_resume:${avatarId}` }]);
  await postUpdate(env.app, textUpdate('/start'));
  t.equal(sentTo(env, ALICE, '📝 Черновик').length, 1, 'only when a step was actually left');
});

t.test('leftovers: retry refreshes the card; a stop after the end says it ended; "📝 Промпт" shows the user’s words', async (t) => {
  const env = await buildTestApp(t);
  const alice = await userOf(env, ALICE);
  const onCard = { photo: [{ file_id: 'x' }], text: undefined };

  const cancelled = await seedAvatar(env, alice.id, 'Cancelled', 'cancelled', new Date());
  await postUpdate(env.app, callbackUpdate(`avatar_train:${cancelled.id}`, 40, ALICE, onCard));
  await env.deps.tasks.drain(10_000);
  const card = env.telegram.callsOf('editMessageMedia').find((c) => Number(c.payload.message_id) === 40);
  t.match((card?.payload.media as { caption?: string })?.caption, '⏳ Запуск обучения', 'the card no longer says "cancelled"');
  t.ok(sentTo(env, ALICE, '⏳ Готовлю фото'), 'progress goes to a message of its own');

  const done = await seedAvatar(env, alice.id, 'Done', 'completed', new Date());
  await postUpdate(env.app, callbackUpdate(`avatar_stop_confirm:${done.id}`, 41, ALICE, onCard));
  t.match(lastCall(env, 'answerCallbackQuery')?.payload, { text: 'Обучение уже закончилось — отменять нечего.', show_alert: true });

  const [generation] = await env.deps.db.select().from(generations).where(eq(generations.avatarId, done.id));
  await postUpdate(env.app, callbackUpdate(`gen_prompt:${generation!.id}`, 42));
  const shown = lastCall(env, 'sendMessage')?.payload.text;
  t.equal(shown, '📝 Ваш запрос:\n\non a beach');
  t.notMatch(shown, 'TOK_', 'the internal trigger is not shown');
  const ready = await env.telegram.waitFor('sendMessage', isTo(ALICE, '👋'));
  t.ok((ready.result as Message).message_id);
});

t.test(
  'an album delivered as Telegram does (one photo at a time, 1.5 s apart) gets one answer: one hint, one summed-up refusal, the progress below it',
  async (t) => {
    const env = await buildTestApp(t, { MIN_PHOTOS: '2', MAX_PHOTOS: '3' });
    await postUpdate(env.app, textUpdate('➕ Создать аватар'));
    await postUpdate(env.app, callbackUpdate('avatar_type:style', 1));
    const album = async (prefix: string, n: number) => {
      const updates = await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          env.telegram.addFile(`${prefix}-${i}`, await jpeg(1024, 1024, `${prefix}-${i}`));
          return photoUpdate(`${prefix}-${i}`, ALICE, { media_group_id: prefix });
        }),
      );
      const answers = await deliverLikeTelegram(updates, (u) => postUpdate(env.app, u), 1_500);
      t.same(new Set(answers.map((a) => a.statusCode)), new Set([200]));
      await env.deps.tasks.drain(10_000);
    };
    await album('early', 6);
    t.equal(sentTo(env, ALICE, '✏️ Пришлите имя аватара текстом').length, 1, 'one hint for six photos');

    await postUpdate(env.app, textUpdate('Album'));
    await album('many', 6);
    const refusals = sentTo(env, ALICE, '❌');
    t.equal(refusals.length, 1, 'one refusal for the three photos past the maximum');
    const edit = env.telegram.callsOf('editMessageText').find((c) => c.payload.message_id === (refusals[0]!.result as Message).message_id);
    t.equal(edit?.payload.text, '❌ 3 фото не приняты: уже загружено максимум 3 фото', 'summed up once the album settled');

    // The progress came down below the album: sent anew, the old one deleted, the step pointing at the new one.
    const progress = sentTo(env, ALICE, '📊');
    t.equal(progress.length, 2, 'the first progress message, and the one below the album');
    const [first, moved] = progress.map((c) => (c.result as Message).message_id);
    t.match(progress[1]?.payload.text, '📸 Загружено: 3/3');
    t.ok(
      env.telegram.callsOf('deleteMessage').some((c) => c.payload.message_id === first),
      'the old one is gone',
    );
    const [state] = await env.deps.db.select().from(botState).where(eq(botState.chatId, ALICE.id));
    t.equal(state?.data.progressMessageId, moved, 'later photos edit the new one');
    const last = env.telegram.callsOf('sendMessage').at(-1);
    t.equal((last?.result as Message | undefined)?.message_id, moved, 'the progress is the last message of the chat');
  },
);

t.test('a running training shows on its card how far FAL is: its place in the queue, then its latest log line', async (t) => {
  const env = await buildTestApp(t);
  const alice = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, alice.id, 'Progress', 'training', new Date());
  const check = () =>
    env.app.inject({ method: 'POST', url: '/internal/check-status', headers: { authorization: `Bearer ${INTERNAL_TOKEN}` } });
  const card = async () => {
    await postUpdate(env.app, textUpdate('🎭 Мои аватары'));
    return String(lastCall(env, 'sendPhoto')?.payload.caption);
  };

  env.fal.state.jobs.set('req-Progress', { status: 'IN_QUEUE', queuePosition: 2 });
  await check();
  t.match(await card(), '⏳ Обучается\n🕒 В очереди, место 3\n');

  env.fal.state.jobs.set('req-Progress', { status: 'IN_PROGRESS', logs: ['step 10/2500', 'step 1200/2500'] });
  await env.deps.db.update(avatars).set({ statusCheckedAt: null }).where(eq(avatars.id, avatar.id));
  await check();
  t.match(await card(), '⏳ Обучается\n📈 Идёт обучение: шаг 1200 из 2500\n', 'the latest log line, in the user’s words');
  t.match((await env.deps.db.select().from(avatars).where(eq(avatars.id, avatar.id)))[0]?.falProgress, {
    phase: 'running',
    log: 'step 1200/2500',
  });

  // A real trainer's progress bar gives its step; a line in its own words is not shown.
  env.fal.state.jobs.set('req-Progress', { status: 'IN_PROGRESS', logs: ['Training:  54%|█████▍    | 1339/2500 [05:01<04:21, 4.44it/s]'] });
  await env.deps.db.update(avatars).set({ statusCheckedAt: null }).where(eq(avatars.id, avatar.id));
  await check();
  t.match(await card(), '📈 Идёт обучение: шаг 1339 из 2500\n');
  env.fal.state.jobs.set('req-Progress', { status: 'IN_PROGRESS', logs: ['Loading the base model weights'] });
  await env.deps.db.update(avatars).set({ statusCheckedAt: null }).where(eq(avatars.id, avatar.id));
  await check();
  t.match(await card(), '⏳ Обучается\n📈 Идёт обучение\n');
});
