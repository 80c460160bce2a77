import { eq } from 'drizzle-orm';
import t from 'tap';
import yauzl from 'yauzl';
import { avatarPhotos, avatars, botState } from '../src/db/schema.js';
import { jpeg } from './support/fixtures/images.js';
import {
  ALICE,
  BOB,
  buildTestApp,
  callbackUpdate,
  type From,
  photoUpdate,
  postUpdate,
  restartApp,
  type TestEnv,
  textUpdate,
} from './support/helper.js';
import { isTo, type Message, progressBelow, progressText, sentTo, startWizard, uploadPhotos } from './support/wizard-driver.js';

function zipEntries(zip: Buffer): Promise<{ name: string; size: number }[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error);
      const entries: { name: string; size: number }[] = [];
      file.on('entry', (entry: yauzl.Entry) => {
        entries.push({ name: entry.fileName, size: entry.uncompressedSize });
        file.readEntry();
      });
      file.on('end', () => resolve(entries));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

async function avatarRow(env: TestEnv, id: string) {
  const [row] = await env.deps.db.select().from(avatars).where(eq(avatars.id, id));
  return row;
}

/** Presses "✅ Готово к обучению" and then "🚀 Начать обучение". */
async function reviewAndStart(env: TestEnv, from: From, avatarId: string, messageId: number) {
  await postUpdate(env.app, callbackUpdate(`avatar_photos_ready:${avatarId}`, messageId, from));
  return postUpdate(env.app, callbackUpdate(`avatar_train:${avatarId}`, messageId, from));
}

t.test('the whole wizard, from /start to a portrait training on FAL', async (t) => {
  const env = await buildTestApp(t, { PUBLIC_URL: 'https://bot.example.com' });
  const { app, telegram, fal } = env;
  await postUpdate(app, textUpdate('/start', ALICE));
  const { avatarId, progressMessageId } = await startWizard(env, ALICE, 'portrait', 'Алиса в Париже');
  t.match(progressText(env, ALICE.id, progressMessageId), /📸 Загружено: 0\/20\n📋 Минимум: 10/);

  await uploadPhotos(env, ALICE, 10);
  t.match(progressText(env, ALICE.id, progressMessageId), /📊 █████░░░░░ 50%\n📸 Загружено: 10\/20\n📋 Минимум: 10/);
  const progressEdit = telegram.callsOf('editMessageText').at(-1)!;
  const buttons = JSON.stringify(progressEdit.payload.reply_markup);
  t.match(buttons, '📸 Загруженные фото (10)');
  t.match(buttons, `avatar_photos_ready:${avatarId}`);
  t.match(buttons, `avatar_create_cancel:${avatarId}`);

  await postUpdate(app, callbackUpdate(`avatar_photos_ready:${avatarId}`, progressMessageId, ALICE));
  const review = await telegram.waitFor('editMessageText', isTo(ALICE, '🦋 Проверьте данные аватара'));
  t.match(
    review.payload.text,
    /🎭 Имя: Алиса в Париже\n👤 Тип: Портретный\n👩 Пол: Женский\n📸 Фото: 10\n⚙️ Режим: Сбалансированный \(2500 шагов\)\n⏱ Ожидаемое время: 15–25 мин/,
  );
  t.match(JSON.stringify(review.payload.reply_markup), /🚀 Начать обучение.*◀️ К загрузке фото/);

  const res = await postUpdate(app, callbackUpdate(`avatar_train:${avatarId}`, progressMessageId, ALICE));
  t.equal(res.statusCode, 200, 'the update is answered before the upload and submit');
  const submission = await fal.waitForSubmission();
  const started = await telegram.waitFor('editMessageText', isTo(ALICE, '⏳ Обучение началось!'));
  t.match(started.payload.text, /Алиса в Париже.*15–25 мин/s);

  t.equal(submission.modelId, 'fal-ai/flux-lora-portrait-trainer');
  t.match(
    submission.webhookUrl,
    /^https:\/\/bot\.example\.com\/webhooks\/fal\?key=[0-9a-f]{32}$/,
    'the webhook (with the attempt’s key) is a query option, not an input field',
  );
  t.equal(submission.authorization, 'Key fal-test-key:secret');
  t.notOk('webhookUrl' in submission.input || 'webhook_url' in submission.input);
  const row = await avatarRow(env, avatarId);
  t.match(row, {
    status: 'training',
    falRequestId: submission.requestId,
    falModelId: 'fal-ai/flux-lora-portrait-trainer',
    trainingPreset: 'balanced',
  });
  t.match(row?.falStatusUrl, new RegExp(`/requests/${submission.requestId}/status$`));
  t.match(row?.falResponseUrl, new RegExp(`/requests/${submission.requestId}$`));
  t.ok(row?.trainingStartedAt);
  t.match(row?.triggerPhrase, /^TOK_[0-9a-f]{8}$/);
  t.same(
    { ...submission.input, images_data_url: 'x' },
    {
      images_data_url: 'x',
      trigger_phrase: row?.triggerPhrase,
      steps: 2500,
      learning_rate: 0.00009,
      multiresolution_training: true,
      subject_crop: true,
      create_masks: true,
    },
    'the trigger sent to FAL is the one stored',
  );

  const zip = fal.fileAt(String(submission.input.images_data_url));
  t.ok(zip, 'the zip was uploaded through FAL storage');
  const entries = await zipEntries(zip!);
  const photos = await env.deps.db.select().from(avatarPhotos).where(eq(avatarPhotos.avatarId, avatarId));
  t.same(
    entries.map((e) => e.name),
    Array.from({ length: 10 }, (_, i) => `photo_${String(i + 1).padStart(3, '0')}.jpg`),
    'flat, numbered entries',
  );
  t.same(entries.map((e) => e.size).sort(), photos.map((p) => p.sizeBytes).sort(), 'exactly the uploaded photos');
  t.equal((await env.deps.db.select().from(botState).where(eq(botState.chatId, ALICE.id))).length, 0, 'the wizard is over');
});

t.test('an artistic avatar trains with the style trainer', async (t) => {
  const env = await buildTestApp(t, { TRAINING_PRESET: 'fast' });
  const { avatarId, progressMessageId } = await startWizard(env, BOB, 'style', 'Watercolour');
  await uploadPhotos(env, BOB, 10);
  await reviewAndStart(env, BOB, avatarId, progressMessageId);
  const submission = await env.fal.waitForSubmission();
  const row = await avatarRow(env, avatarId);
  t.equal(submission.modelId, 'fal-ai/flux-lora-fast-training');
  t.same(
    { ...submission.input, images_data_url: 'x' },
    {
      images_data_url: 'x',
      trigger_word: row?.triggerPhrase,
      is_style: true,
      create_masks: false,
      steps: 1000,
    },
  );
  t.equal(row?.gender, null, 'no gender question for a style');
  await env.telegram.waitFor('editMessageText', isTo(BOB, '⏳ Training has started!'));
});

t.test('a double tap on "start training" submits once', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, progressMessageId } = await startWizard(env, ALICE, 'portrait', 'Double');
  await uploadPhotos(env, ALICE, 10);
  await postUpdate(env.app, callbackUpdate(`avatar_photos_ready:${avatarId}`, progressMessageId, ALICE));
  const taps = await Promise.all(
    Array.from({ length: 5 }, () => postUpdate(env.app, callbackUpdate(`avatar_train:${avatarId}`, progressMessageId, ALICE))),
  );
  t.same(
    taps.map((r) => r.statusCode),
    [200, 200, 200, 200, 200],
  );
  await env.fal.waitForSubmission();
  await env.deps.tasks.drain(10_000);
  t.equal(env.fal.state.submissions.length, 1);
  const alreadyStarted = env.telegram.callsOf('answerCallbackQuery').filter((c) => c.payload.text === 'Обучение уже запущено');
  t.equal(alreadyStarted.length, 4);
});

t.test('a submit refused by FAL puts the avatar back to ready with a retry that works', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, progressMessageId } = await startWizard(env, ALICE, 'portrait', 'Retry me');
  await uploadPhotos(env, ALICE, 10);
  env.fal.state.submitFailures.push({ status: 422, body: { detail: [{ loc: ['body', 'steps'], msg: 'too many', type: 'value_error' }] } });
  await reviewAndStart(env, ALICE, avatarId, progressMessageId);
  const failed = await env.telegram.waitFor('editMessageText', isTo(ALICE, '❌ Не удалось запустить обучение'));
  t.match(failed.payload.text, /сервис обучения отклонил запрос.*Фото сохранены/s);
  t.match(JSON.stringify(failed.payload.reply_markup), `🔁 Повторить","callback_data":"avatar_train:${avatarId}`);
  const row = await avatarRow(env, avatarId);
  t.equal(row?.status, 'ready');
  t.match(row?.error, /submit failed/);
  t.equal((await env.deps.db.select().from(avatarPhotos).where(eq(avatarPhotos.avatarId, avatarId))).length, 10, 'no photo is lost');

  await postUpdate(env.app, callbackUpdate(`avatar_train:${avatarId}`, progressMessageId, ALICE));
  const submission = await env.fal.waitForSubmission();
  await env.telegram.waitFor('editMessageText', isTo(ALICE, '⏳ Обучение началось!'));
  t.match(await avatarRow(env, avatarId), { status: 'training', falRequestId: submission.requestId, error: null });
});

t.test('an album of 12 photos delivered at once is counted right', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, progressMessageId } = await startWizard(env, ALICE, 'portrait', 'Album');
  const updates = await Promise.all(
    Array.from({ length: 12 }, async (_, i) => {
      const fileId = `album-${i}`;
      env.telegram.addFile(fileId, await jpeg(800, 1200, fileId));
      return photoUpdate(fileId, ALICE, { media_group_id: 'album-1' });
    }),
  );
  const answers = await Promise.all(updates.map((u) => postUpdate(env.app, u)));
  t.same(
    answers.map((r) => r.statusCode),
    Array(12).fill(200),
  );
  const photos = await env.deps.db.select().from(avatarPhotos).where(eq(avatarPhotos.avatarId, avatarId));
  t.equal(photos.length, 12);
  t.same(
    photos.map((p) => p.position).sort((a, b) => a - b),
    Array.from({ length: 12 }, (_, i) => i + 1),
    'positions 1..12, no gaps or twins',
  );
  t.match(progressText(env, ALICE.id, progressMessageId), /📸 Загружено: 12\/20/);
  t.equal(sentTo(env, ALICE, '📊').length, 1, 'one progress message, edited in place');
});

t.test('the wizard survives a restart of the service', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, progressMessageId } = await startWizard(env, ALICE, 'portrait', 'Restarted');
  await uploadPhotos(env, ALICE, 4, 'before');
  await env.app.close();

  // A new process on the same database and storage.
  const second = await restartApp(t, env);
  await uploadPhotos(second, ALICE, 6, 'after');
  const progress = await progressBelow(env, ALICE, progressMessageId);
  t.match(progressText(env, ALICE.id, progress), /📸 Загружено: 10\/20/);
  await reviewAndStart(second, ALICE, avatarId, progress);
  await env.fal.waitForSubmission();
  await env.telegram.waitFor('editMessageText', isTo(ALICE, '⏳ Обучение началось!'));
});

t.test('"🔄 Продолжить" resumes an unfinished avatar where the user stopped', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId } = await startWizard(env, ALICE, 'portrait', 'Resumable');
  await uploadPhotos(env, ALICE, 3);
  await postUpdate(env.app, textUpdate('/start', ALICE));
  await postUpdate(env.app, textUpdate('➕ Создать аватар', ALICE));
  const offer = await env.telegram.waitFor('sendMessage', isTo(ALICE, '📝 У вас есть незавершённый аватар «Resumable» (фото: 3)'));
  t.match(JSON.stringify(offer.payload.reply_markup), `avatar_resume:${avatarId}`);
  await postUpdate(env.app, callbackUpdate(`avatar_resume:${avatarId}`, (offer.result as Message).message_id, ALICE));
  const progress = sentTo(env, ALICE, '📊').at(-1)!;
  t.match(progress.payload.text, /📸 Загружено: 3\/20/);
  await uploadPhotos(env, ALICE, 1, 'more');
  t.match(progressText(env, ALICE.id, (progress.result as Message).message_id), /📸 Загружено: 4\/20/);
});

t.test('cancelling creation deletes the draft and its stored photos', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, progressMessageId } = await startWizard(env, ALICE, 'portrait', 'Short-lived');
  await uploadPhotos(env, ALICE, 3);
  const keys = (await env.deps.db.select().from(avatarPhotos).where(eq(avatarPhotos.avatarId, avatarId))).map((p) => p.storageKey);
  t.equal(keys.length, 3);
  for (const key of keys) t.equal(await env.deps.storage.exists(key), true);

  const progress = await progressBelow(env, ALICE, progressMessageId);
  await postUpdate(env.app, callbackUpdate(`avatar_create_cancel:${avatarId}`, progress, ALICE));
  const asked = await env.telegram.waitFor('editMessageText', isTo(ALICE, '🗑️ Отменить создание аватара «Short-lived»?'));
  t.match(asked.payload.text, 'Загруженные фото (3) будут удалены безвозвратно', 'it asks first, saying what is lost');
  t.match(JSON.stringify(asked.payload.reply_markup), /🗑️ Да, отменить.*◀️ Продолжить загрузку/);
  t.ok(await avatarRow(env, avatarId), 'nothing is deleted before the answer');

  await postUpdate(env.app, callbackUpdate(`avatar_cancel_no:${avatarId}`, progress, ALICE));
  t.match(progressText(env, ALICE.id, progress), /📸 Загружено: 3\/20/, '"◀️ Продолжить загрузку" shows the progress again');
  t.ok(await avatarRow(env, avatarId));

  await postUpdate(env.app, callbackUpdate(`avatar_create_cancel:${avatarId}`, progress, ALICE));
  await postUpdate(env.app, callbackUpdate(`avatar_cancel_yes:${avatarId}`, progress, ALICE));
  t.equal(await avatarRow(env, avatarId), undefined, 'the avatar row is gone');
  t.equal((await env.deps.db.select().from(avatarPhotos).where(eq(avatarPhotos.avatarId, avatarId))).length, 0);
  for (const key of keys) t.equal(await env.deps.storage.exists(key), false, `${key} is deleted`);
  await env.telegram.waitFor('editMessageText', isTo(ALICE, '🗑️ Создание аватара «Short-lived» отменено'));
});

t.test('buttons naming another user’s avatar are refused', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, progressMessageId } = await startWizard(env, ALICE, 'portrait', 'Mine');
  await uploadPhotos(env, ALICE, 10);
  await postUpdate(env.app, textUpdate('/start', BOB));
  for (const data of [
    `avatar_create_cancel:${avatarId}`,
    `avatar_photos_ready:${avatarId}`,
    `avatar_train:${avatarId}`,
    `avatar_photos:${avatarId}:0`,
    `avatar_resume:${avatarId}`,
  ]) {
    const res = await postUpdate(env.app, callbackUpdate(data, progressMessageId, BOB));
    t.equal(res.statusCode, 200);
    const answer = env.telegram.callsOf('answerCallbackQuery').at(-1);
    t.same(
      answer?.payload,
      { callback_query_id: answer?.payload.callback_query_id, text: '⛔ This is not your avatar', show_alert: true },
      data,
    );
  }
  t.match(await avatarRow(env, avatarId), { status: 'photos_uploading' }, 'nothing changed');
  t.equal(env.fal.state.submissions.length, 0);
  t.equal(env.telegram.callsOf('sendPhoto').length, 0, 'no photo was shown to Bob');
});

t.test('unknown and malformed buttons are answered, not crashed on', async (t) => {
  const env = await buildTestApp(t);
  await postUpdate(env.app, textUpdate('/start', ALICE));
  for (const data of ['avatar_train:not-a-uuid', 'nonsense', 'avatar_photos:00000000-0000-0000-0000-000000000000:x', 'avatar_type:robot']) {
    const res = await postUpdate(env.app, callbackUpdate(data, 1, ALICE));
    t.equal(res.statusCode, 200);
    t.equal(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text, 'Эта кнопка устарела', data);
  }
  const res = await postUpdate(env.app, callbackUpdate('avatar_train:00000000-0000-4000-8000-000000000000', 1, ALICE));
  t.equal(res.statusCode, 200);
  t.equal(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text, 'Этот аватар уже удалён');
});

t.test('wrong input at a wizard step gets the question again, below it; /start keeps the type and gender', async (t) => {
  const env = await buildTestApp(t);
  const { app, telegram } = env;
  await postUpdate(app, textUpdate('➕ Создать аватар', ALICE));
  const typeMessage = await telegram.waitFor('sendMessage', isTo(ALICE, '🎭 Какой аватар создаём?'));

  await postUpdate(app, textUpdate('портрет', ALICE));
  const again = await telegram.waitFor('sendMessage', isTo(ALICE, '👇 Ответьте кнопкой под вопросом.'));
  t.match(again.payload.text, '🎭 Какой аватар создаём?', 'the question is asked again');
  t.match(JSON.stringify(again.payload.reply_markup), /avatar_type:portrait.*avatar_type:style/, 'with its buttons');

  await postUpdate(app, callbackUpdate('avatar_type:portrait', (typeMessage.result as Message).message_id, ALICE));
  const answered = telegram.callsOf('editMessageText').at(-1)!;
  t.equal(answered.payload.message_id, (typeMessage.result as Message).message_id);
  t.equal(answered.payload.text, '🎭 Какой аватар создаём? ✅ 👤 Портретный', 'the tapped question keeps the answer');
  const gender = await telegram.waitFor('sendMessage', isTo(ALICE, '👤 Кто на фото?'));
  t.ok((gender.result as Message).message_id > (typeMessage.result as Message).message_id, 'the next question is sent below');

  env.telegram.addFile('selfie', await jpeg(1024, 1024, 'selfie'));
  await postUpdate(app, photoUpdate('selfie', ALICE));
  const photoAnswer = await telegram.waitFor('sendMessage', (p) => isTo(ALICE, '👇')(p) && String(p.text).includes('👤 Кто на фото?'));
  t.match(JSON.stringify(photoAnswer.payload.reply_markup), /avatar_gender:male.*avatar_gender:female/);

  await postUpdate(app, callbackUpdate('avatar_gender:female', (gender.result as Message).message_id, ALICE));
  await telegram.waitFor('sendMessage', isTo(ALICE, '✏️ Как назовём аватар?'));

  await postUpdate(app, textUpdate('/start', ALICE));
  const goesOn = await telegram.waitFor('sendMessage', isTo(ALICE, '📝 Продолжим создание аватара'));
  t.match(goesOn.payload.text, /\(👤 Портретный · 👩 Женский\)\.\n\n✏️ Как назовём аватар\?/, 'what was chosen is said and kept');
  await postUpdate(app, textUpdate('После старта', ALICE));
  await telegram.waitFor('sendMessage', isTo(ALICE, '📊'));
  const [avatar] = await env.deps.db.select().from(avatars).where(eq(avatars.name, 'После старта'));
  t.match(avatar, { trainingType: 'portrait', gender: 'female', status: 'draft' }, 'the typed name made the draft');
});
