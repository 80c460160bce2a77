import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import t from 'tap';
import { avatarPhotos, avatars, generations, shownCards, storageDeletions, users } from '../src/db/schema.js';
import { jpeg } from './support/fixtures/images.js';
import {
  ALICE,
  BOB,
  buildTestApp,
  callbackUpdate,
  deliverFalWebhook,
  INTERNAL_TOKEN,
  postUpdate,
  type TestEnv,
  textUpdate,
} from './support/helper.js';
import { seedAvatar, userOf } from './support/seed.js';
import type { Message } from './support/wizard-driver.js';

const lastCall = (env: TestEnv, method: string) => env.telegram.callsOf(method).at(-1);
const buttonsOf = (markup: unknown) =>
  ((markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined)?.inline_keyboard ?? [])
    .flat()
    .map(({ text, callback_data }) => ({ text, callback_data }));

/** Three avatars of Alice: completed (main), training, draft. */
async function threeAvatars(env: TestEnv) {
  const alice = await userOf(env, ALICE);
  const day = (n: number) => new Date(Date.UTC(2026, 10, n));
  const done = await seedAvatar(env, alice.id, 'Done', 'completed', day(1));
  const busy = await seedAvatar(env, alice.id, 'Busy', 'training', day(2));
  const draft = await seedAvatar(env, alice.id, 'Draft', 'draft', day(3));
  await env.deps.db.update(users).set({ mainAvatarId: done.id }).where(eq(users.id, alice.id));
  env.fal.state.jobs.set('req-Busy', { status: 'IN_PROGRESS' });
  return { alice, done, busy, draft };
}

t.test('an empty gallery says so and offers to create an avatar', async (t) => {
  const env = await buildTestApp(t);
  await postUpdate(env.app, textUpdate('🎭 Мои аватары', ALICE));
  const reply = lastCall(env, 'sendMessage')!;
  t.match(reply.payload.text, /^🎭 У вас пока нет аватаров/);
  t.same(
    buttonsOf(reply.payload.reply_markup).map((b) => b.callback_data),
    ['avatar_new'],
  );
});

t.test('cards: one at a time, edited in place, buttons by status, navigation wraps', async (t) => {
  const env = await buildTestApp(t);
  const { done, busy, draft } = await threeAvatars(env);

  await postUpdate(env.app, textUpdate('🎭 Мои аватары', ALICE));
  const card = lastCall(env, 'sendPhoto')!;
  t.match(
    card.payload.caption,
    /^🎭 Done ⭐\n\n👤 Тип: Портретный\n📊 Статус: ✅ Готов\n📅 Создан: 1 нояб\. 2026 г\., \d{2}:\d{2} UTC\n📸 Фото: 2\n🎨 Генераций: 1/,
  );
  const picture = (card.payload.photo as { bytes: Buffer }).bytes;
  t.match(await sharp(picture).metadata(), { width: 720, height: 720, format: 'jpeg' }, 'the card is square: its buttons keep one width');
  const seen = await sharp(picture).resize(8, 8, { fit: 'fill' }).raw().toBuffer();
  const photo = await sharp(await jpeg(1024, 1024, 'Done-0'))
    .resize(720, 720)
    .resize(8, 8, { fit: 'fill' })
    .raw()
    .toBuffer();
  const generated = await sharp(await jpeg(1024, 768, 'Done-gen'))
    .resize(8, 8, { fit: 'fill' })
    .raw()
    .toBuffer();
  const distance = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;
  t.ok(distance(seen, photo) < distance(seen, generated), 'it shows the avatar’s photo, not its latest generated picture');
  const labels = buttonsOf(card.payload.reply_markup).map((b) => b.text);
  t.same(
    labels,
    ['⬅️', '1/3', '➡️', '🎨 Генерировать', '✨ Идеи', '🖼 Фото', '📜 История', '✏️ Переименовать', '🗑️ Удалить', '◀️ Назад'],
    'the main completed avatar',
  );
  const cardId = (card.result as Message).message_id;
  const onCard = { photo: [{ file_id: 'x' }], text: undefined };

  await postUpdate(env.app, callbackUpdate(`gallery_card:${busy.id}`, cardId, ALICE, onCard));
  let edit = lastCall(env, 'editMessageMedia')!;
  t.match(edit.payload.media, { type: 'photo', caption: /^🎭 Busy\n[\s\S]*⏳ Обучается/ });
  t.same(
    buttonsOf(edit.payload.reply_markup).map((b) => b.text),
    ['⬅️', '2/3', '➡️', '⏹ Отменить обучение', '🖼 Фото', '📜 История', '✏️ Переименовать', '🗑️ Удалить', '◀️ Назад'],
    'a training avatar cannot be made main: it cannot draw yet',
  );
  t.equal(env.telegram.callsOf('sendPhoto').length, 1, 'no new message per press');

  const next = buttonsOf(edit.payload.reply_markup).find((b) => b.text === '➡️')!.callback_data;
  t.equal(next, `gallery_card:${draft.id}`);
  await postUpdate(env.app, callbackUpdate(next, cardId, ALICE, onCard));
  edit = lastCall(env, 'editMessageMedia')!;
  t.match(edit.payload.media, { caption: /^🎭 Draft\n[\s\S]*📝 Черновик/ });
  t.same(
    buttonsOf(edit.payload.reply_markup).map((b) => b.text),
    ['⬅️', '3/3', '➡️', '🔄 Продолжить', '🖼 Фото', '📜 История', '✏️ Переименовать', '🗑️ Удалить', '◀️ Назад'],
  );
  t.equal(buttonsOf(edit.payload.reply_markup).find((b) => b.text === '➡️')?.callback_data, `gallery_card:${done.id}`, 'wraps to the first');

  for (const stale of [busy, draft]) {
    await postUpdate(env.app, callbackUpdate(`avatar_main:${stale.id}`, cardId, ALICE, onCard));
    t.equal(lastCall(env, 'answerCallbackQuery')?.payload.text, 'Эта кнопка устарела');
  }
  const [still] = await env.deps.db.select().from(users).where(eq(users.telegramId, ALICE.id));
  t.equal(still?.mainAvatarId, done.id, 'neither a training avatar nor a draft becomes main');

  const second = await seedAvatar(env, still!.id, 'Second', 'completed', new Date('2026-11-05'));
  await postUpdate(env.app, callbackUpdate(`avatar_main:${second.id}`, cardId, ALICE, onCard));
  t.equal(lastCall(env, 'answerCallbackQuery')?.payload.text, '⭐ «Second» теперь основной аватар');
  const [alice] = await env.deps.db.select().from(users).where(eq(users.telegramId, ALICE.id));
  t.equal(alice?.mainAvatarId, second.id, 'exactly one main avatar, now Second');
  t.match(lastCall(env, 'editMessageMedia')?.payload.media, { caption: /^🎭 Second ⭐/ });
});

t.test('delete asks first, with the seed’s text and callback names; cancel changes nothing', async (t) => {
  const env = await buildTestApp(t);
  const { done } = await threeAvatars(env);
  await postUpdate(env.app, textUpdate('🎭 Мои аватары', ALICE));
  const cardId = (lastCall(env, 'sendPhoto')!.result as Message).message_id;
  const onCard = { photo: [{ file_id: 'x' }], text: undefined };

  await postUpdate(env.app, callbackUpdate(`avatar_delete:${done.id}`, cardId, ALICE, onCard));
  const confirm = lastCall(env, 'editMessageCaption')!;
  t.equal(
    confirm.payload.caption,
    '🗑️ Подтверждение удаления\n\n❓ Вы действительно хотите удалить аватар?\n\n🎭 Название: Done\n📊 Статус: ✅ Готов\n\n' +
      '⚠️ Внимание! Это действие нельзя отменить.\nВсе данные аватара будут удалены навсегда:\n• Обученная модель\n• Загруженные фотографии\n• История генераций\n\n' +
      '🤔 Подумайте ещё раз перед удалением.',
  );
  t.same(buttonsOf(confirm.payload.reply_markup), [
    { text: '❌ Да, удалить', callback_data: `avatar_delete_confirm:${done.id}` },
    { text: '✅ Отмена', callback_data: `avatar_delete_cancel:${done.id}` },
  ]);
  t.ok(
    await env.deps.db
      .select()
      .from(avatars)
      .where(eq(avatars.id, done.id))
      .then((r) => r.length === 1),
    'nothing is deleted by "🗑️ Удалить"',
  );

  await postUpdate(env.app, callbackUpdate(`avatar_delete_cancel:${done.id}`, cardId, ALICE, onCard));
  t.match(lastCall(env, 'editMessageMedia')?.payload.media, { caption: /^🎭 Done ⭐/ }, 'back to the same card');
  t.equal((await env.deps.db.select().from(avatars).where(eq(avatars.id, done.id))).length, 1);
  t.equal((await env.deps.db.select().from(avatarPhotos).where(eq(avatarPhotos.avatarId, done.id))).length, 2);
});

t.test('confirmed delete removes rows and every file, moves main, and shows the gallery without it', async (t) => {
  const env = await buildTestApp(t);
  const { alice, done, busy } = await threeAvatars(env);
  const other = await seedAvatar(env, alice.id, 'Other', 'completed', new Date(Date.UTC(2026, 10, 4)));
  await postUpdate(env.app, textUpdate('🎭 Мои аватары', ALICE));
  const cardId = (lastCall(env, 'sendPhoto')!.result as Message).message_id;
  const onCard = { photo: [{ file_id: 'x' }], text: undefined };

  await postUpdate(env.app, callbackUpdate(`avatar_delete_confirm:${done.id}`, cardId, ALICE, onCard));
  t.equal(lastCall(env, 'answerCallbackQuery')?.payload.text, '🗑️ Аватар «Done» удалён');
  t.equal((await env.deps.db.select().from(avatars).where(eq(avatars.id, done.id))).length, 0);
  t.equal((await env.deps.db.select().from(avatarPhotos).where(eq(avatarPhotos.avatarId, done.id))).length, 0);
  t.equal((await env.deps.db.select().from(generations).where(eq(generations.avatarId, done.id))).length, 0);
  t.equal(await env.deps.storage.deleteByPrefix(`avatars/${done.id}/`), 0, 'no file of it is left in storage');
  t.equal(await env.deps.storage.exists(`avatars/${busy.id}/photos/Busy-0.jpg`), true, 'other avatars keep theirs');
  const [user] = await env.deps.db.select().from(users).where(eq(users.id, alice.id));
  t.equal(user?.mainAvatarId, other.id, 'main moved to the other completed avatar');
  const gallery = lastCall(env, 'editMessageMedia')!;
  t.match(gallery.payload.media, { caption: /^🎭 Other ⭐/ });
  t.match(
    buttonsOf(gallery.payload.reply_markup).map((b) => b.text),
    ['⬅️', '3/3', '➡️'],
  );
});

t.test('another user’s avatar id is refused; a stale button gets a friendly alert', async (t) => {
  const env = await buildTestApp(t);
  const { done } = await threeAvatars(env);
  await userOf(env, BOB);
  await postUpdate(env.app, callbackUpdate(`avatar_delete_confirm:${done.id}`, 1, BOB));
  t.same(lastCall(env, 'answerCallbackQuery')?.payload, {
    callback_query_id: lastCall(env, 'answerCallbackQuery')?.payload.callback_query_id,
    text: '⛔ This is not your avatar',
    show_alert: true,
  });
  t.equal((await env.deps.db.select().from(avatars).where(eq(avatars.id, done.id))).length, 1, 'nothing deleted');

  await postUpdate(env.app, callbackUpdate(`avatar_delete_confirm:${done.id}`, 1, ALICE));
  await postUpdate(env.app, callbackUpdate(`avatar_delete_confirm:${done.id}`, 1, ALICE));
  t.match(
    lastCall(env, 'answerCallbackQuery')?.payload,
    { text: 'Этот аватар уже удалён', show_alert: true },
    'pressed again after deletion',
  );
});

t.test('deleting during training cancels it at FAL, and its late webhook is acknowledged with no message', async (t) => {
  const env = await buildTestApp(t);
  const { busy } = await threeAvatars(env);
  await postUpdate(env.app, callbackUpdate(`avatar_delete_confirm:${busy.id}`, 1, ALICE));
  t.equal(env.fal.state.jobs.get('req-Busy')?.cancelled, true);
  const sentBefore = env.telegram.callsOf('sendMessage').length;
  const res = await deliverFalWebhook(env, 'req-Busy', {
    request_id: 'req-Busy',
    status: 'OK',
    payload: { diffusers_lora_file: { url: 'https://x/l.safetensors' } },
  });
  t.equal(res.statusCode, 200);
  t.equal(env.telegram.callsOf('sendMessage').length, sentBefore, 'no message');
});

t.test('a storage failure during deletion does not bring the avatar back; the checker retries the files', async (t) => {
  const env = await buildTestApp(t);
  const { draft } = await threeAvatars(env);
  const dir = path.join(env.config.dataDir, 'files', 'avatars', draft.id);
  // The avatar's directory replaced by a file: listing it fails.
  await rm(dir, { recursive: true });
  await writeFile(dir, 'in the way');
  await postUpdate(env.app, callbackUpdate(`avatar_delete_confirm:${draft.id}`, 1, ALICE));
  t.equal((await env.deps.db.select().from(avatars).where(eq(avatars.id, draft.id))).length, 0, 'the avatar is gone');
  const [pending] = await env.deps.db.select().from(storageDeletions);
  t.match(pending, { prefix: `avatars/${draft.id}/`, attempts: 1, lastError: /ENOTDIR/ });

  await rm(dir);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'left.jpg'), 'x');
  const check = await env.app.inject({
    method: 'POST',
    url: '/internal/check-status',
    headers: { authorization: `Bearer ${INTERNAL_TOKEN}` },
  });
  t.equal(check.json().filesDeleted, 1);
  t.equal(await env.deps.storage.exists(`avatars/${draft.id}/left.jpg`), false);
  t.equal((await env.deps.db.select().from(storageDeletions)).length, 0);
});

t.test('stopping a training asks first, cancels at FAL, and offers a retry', async (t) => {
  const env = await buildTestApp(t);
  const { busy } = await threeAvatars(env);
  const onCard = { photo: [{ file_id: 'x' }], text: undefined };
  await postUpdate(env.app, callbackUpdate(`avatar_stop:${busy.id}`, 7, ALICE, onCard));
  const confirm = lastCall(env, 'editMessageCaption')!;
  t.match(confirm.payload.caption, /^⏹ Отменить обучение аватара «Busy»\?/);
  t.equal(env.fal.state.jobs.get('req-Busy')?.cancelled, undefined, 'nothing cancelled yet');

  await postUpdate(env.app, callbackUpdate(`avatar_stop_confirm:${busy.id}`, 7, ALICE, onCard));
  t.equal(env.fal.state.jobs.get('req-Busy')?.cancelled, true, 'cancelled at FAL, not just locally');
  const [stopping] = await env.deps.db.select().from(avatars).where(eq(avatars.id, busy.id));
  t.equal(stopping?.status, 'training', 'a cancel is a request: the training stops when FAL says so');
  t.notMatch(JSON.stringify(lastCall(env, 'editMessageMedia')?.payload.reply_markup), 'avatar_stop', 'no second stop button');

  env.fal.state.jobs.set('req-Busy', { status: 'COMPLETED', result: { status: 400, body: { detail: 'Request was cancelled' } } });
  await env.app.inject({ method: 'POST', url: '/internal/check-status', headers: { authorization: `Bearer ${INTERNAL_TOKEN}` } });
  const [row] = await env.deps.db.select().from(avatars).where(eq(avatars.id, busy.id));
  t.equal(row?.status, 'cancelled');
  await postUpdate(env.app, callbackUpdate(`gallery_card:${busy.id}`, 7, ALICE, onCard));
  t.match(
    buttonsOf(lastCall(env, 'editMessageMedia')?.payload.reply_markup).map((b) => b.callback_data),
    [String, String, String, `avatar_train:${busy.id}`],
  );
});

t.test('rename checks the name like creation does', async (t) => {
  const env = await buildTestApp(t);
  const { done } = await threeAvatars(env);
  await postUpdate(env.app, callbackUpdate(`avatar_rename:${done.id}`, 7, ALICE));
  t.equal(lastCall(env, 'sendMessage')?.payload.text, '✏️ Новое имя для аватара «Done» (от 2 до 50 символов):');
  await postUpdate(env.app, textUpdate('x', ALICE));
  t.equal(lastCall(env, 'sendMessage')?.payload.text, '❌ Имя слишком короткое. Минимум 2 символа');
  await postUpdate(env.app, textUpdate('Новое имя', ALICE));
  const [row] = await env.deps.db.select().from(avatars).where(eq(avatars.id, done.id));
  t.equal(row?.name, 'Новое имя');
  t.match(lastCall(env, 'sendPhoto')?.payload.caption, /^🎭 Новое имя ⭐/);
});

t.test('photos and history open inside the card', async (t) => {
  const env = await buildTestApp(t);
  const { done } = await threeAvatars(env);
  const onCard = { photo: [{ file_id: 'x' }], text: undefined };
  await postUpdate(env.app, callbackUpdate(`gallery_photos:${done.id}:1`, 7, ALICE, onCard));
  const photo = lastCall(env, 'editMessageMedia')!;
  t.match(photo.payload.media, { media: 'file-Done-1', caption: '📸 Фото 2/2' });
  t.match(buttonsOf(photo.payload.reply_markup).at(-1), { callback_data: `gallery_card:${done.id}` });
  await postUpdate(env.app, callbackUpdate(`avatar_history:${done.id}`, 7, ALICE, onCard));
  t.match(lastCall(env, 'editMessageCaption')?.payload.caption, /^📜 История «Done»\n\n1\. .* — on a beach$/);
});

t.test('the history pages back through every picture, and each one opens again', async (t) => {
  const env = await buildTestApp(t);
  const { alice, done } = await threeAvatars(env);
  // The seeded picture is the oldest, eleven more follow a day apart: twelve in all, the oldest two on page two.
  await env.deps.db
    .update(generations)
    .set({ createdAt: new Date(Date.UTC(2026, 10, 2, 8)) })
    .where(eq(generations.avatarId, done.id));
  for (let i = 1; i <= 11; i++) {
    const key = `avatars/${done.id}/generations/h${i}/1.jpg`;
    await env.deps.storage.put(key, await jpeg(640, 480, `h${i}`));
    await env.deps.db.insert(generations).values({
      avatarId: done.id,
      userId: alice.id,
      prompt: `picture ${i}`,
      fullPrompt: `TOK picture ${i}`,
      modelId: 'fal-ai/flux-lora',
      format: 'portrait',
      status: 'completed',
      storageKeys: [key],
      imageUrls: [`https://v3.fal.media/files/x/h${i}.jpg`],
      createdAt: new Date(Date.UTC(2026, 10, 10 + i, 9, 30)),
    });
  }
  const onCard = { photo: [{ file_id: 'x' }], text: undefined };
  await postUpdate(env.app, callbackUpdate(`avatar_history:${done.id}`, 7, ALICE, onCard));
  const first = lastCall(env, 'editMessageCaption')!;
  const lines = String(first.payload.caption).split('\n').slice(2);
  t.equal(lines.length, 10, 'ten a page');
  t.equal(lines[0], '1. 21 нояб. 2026 г., 09:30 UTC — picture 11', 'newest first, the date written one way with its zone');
  const buttons = buttonsOf(first.payload.reply_markup);
  t.same(
    buttons.slice(0, 10).map((b) => b.text),
    ['🖼 1', '🖼 2', '🖼 3', '🖼 4', '🖼 5', '🖼 6', '🖼 7', '🖼 8', '🖼 9', '🖼 10'],
  );
  const older = buttons.find((b) => b.text === '◀️ Раньше');
  t.equal(older?.callback_data, `avatar_history:${done.id}:1`);

  await postUpdate(env.app, callbackUpdate(older!.callback_data, 7, ALICE, onCard));
  const second = lastCall(env, 'editMessageCaption')!;
  t.match(second.payload.caption, /\n\n11\. 11 нояб\. 2026 г\., 09:30 UTC — picture 1\n12\. .* — on a beach$/, 'the older pictures');
  const back = buttonsOf(second.payload.reply_markup);
  t.notOk(
    back.some((b) => b.text === '◀️ Раньше'),
    'nothing older than the last page',
  );
  t.equal(back.find((b) => b.text === 'Новее ▶️')?.callback_data, `avatar_history:${done.id}`);

  const oldest = back.find((b) => b.text === '🖼 12')!;
  const [seeded] = await env.deps.db.select().from(generations).where(eq(generations.prompt, 'on a beach'));
  t.equal(oldest.callback_data, `gen_show:${seeded!.id}`);
  const photos = env.telegram.callsOf('sendPhoto').length;
  await postUpdate(env.app, callbackUpdate(oldest.callback_data, 7, ALICE, onCard));
  const sent = env.telegram.callsOf('sendPhoto').slice(photos);
  t.equal(sent.length, 1, 'the oldest picture is sent again');
  t.match(sent[0]!.payload.caption, /^📜 «Done», \d+ нояб\. 2026 г\., \d{2}:\d{2} UTC\n«on a beach»$/);
  t.ok(sent[0]!.payload.photo, 'from storage');
  t.match(
    buttonsOf(sent[0]!.payload.reply_markup).map((b) => b.callback_data),
    [`gen_again:${seeded!.id}`, `gen_vary:${seeded!.id}`, `gen_prompt:${seeded!.id}`],
    'with the buttons it came with',
  );
});

t.test('a card open while its avatar trains is edited when the training ends; a card turned into history is not', async (t) => {
  const env = await buildTestApp(t);
  const { busy } = await threeAvatars(env);
  await postUpdate(env.app, textUpdate('🎭 Мои аватары', ALICE));
  const sent = lastCall(env, 'sendPhoto')!;
  const cardId = (sent.result as Message).message_id;
  const onCard = { photo: [{ file_id: 'x' }], text: undefined };
  await postUpdate(env.app, callbackUpdate(`gallery_card:${busy.id}`, cardId, ALICE, onCard));
  t.match(lastCall(env, 'editMessageMedia')?.payload.media, { caption: /⏳ Обучается/ });
  // A second gallery, turned into the avatar's history: not a card any more.
  await postUpdate(env.app, textUpdate('🎭 Мои аватары', ALICE));
  const otherId = (lastCall(env, 'sendPhoto')!.result as Message).message_id;
  await postUpdate(env.app, callbackUpdate(`gallery_card:${busy.id}`, otherId, ALICE, onCard));
  await postUpdate(env.app, callbackUpdate(`avatar_history:${busy.id}`, otherId, ALICE, onCard));

  const output = {
    diffusers_lora_file: { url: 'https://v3.fal.media/files/x/busy.safetensors' },
    config_file: { url: 'https://v3.fal.media/files/x/c.json' },
  };
  await deliverFalWebhook(env, 'req-Busy', { request_id: 'req-Busy', status: 'OK', payload: output });
  await deliverFalWebhook(env, 'req-Busy', { request_id: 'req-Busy', status: 'OK', payload: output });
  await env.deps.tasks.drain(10_000);
  await env.deps.notifier.drain();
  const edits = env.telegram.callsOf('editMessageCaption').filter((c) => c.payload.message_id === cardId);
  t.equal(edits.length, 1, 'the open card is edited once, however often FAL tells');
  t.match(edits[0]!.payload.caption, /^🎭 Busy\n\n👤 Тип: Портретный\n📊 Статус: ✅ Готов/);
  t.ok(
    buttonsOf(edits[0]!.payload.reply_markup).some((b) => b.callback_data === `avatar_generate:${busy.id}`),
    'with the buttons of a trained avatar',
  );
  t.notMatch(JSON.stringify(edits[0]!.payload.reply_markup), 'avatar_stop');
  const ready = env.telegram.calls.findIndex(
    (c) => c.method === 'sendMessage' && String(c.payload.text).startsWith('✅ Аватар «Busy» готов'),
  );
  t.ok(ready >= 0 && ready < env.telegram.calls.indexOf(edits[0]!), 'after the "ready" message');
  t.equal(
    env.telegram.callsOf('editMessageCaption').filter((c) => c.payload.message_id === otherId && /Статус/.test(String(c.payload.caption)))
      .length,
    0,
    'the history stays a history',
  );

  await postUpdate(env.app, callbackUpdate('gallery_close', cardId, ALICE, onCard));
  t.same(await env.deps.db.select().from(shownCards).where(eq(shownCards.messageId, cardId)), [], 'a closed card is forgotten');
});

t.test('a card the user deleted in their client is forgotten when the training ends; the message still goes out', async (t) => {
  const env = await buildTestApp(t);
  const { busy } = await threeAvatars(env);
  await postUpdate(env.app, textUpdate('🎭 Мои аватары', ALICE));
  const cardId = (lastCall(env, 'sendPhoto')!.result as Message).message_id;
  await postUpdate(env.app, callbackUpdate(`gallery_card:${busy.id}`, cardId, ALICE, { photo: [{ file_id: 'x' }], text: undefined }));
  t.equal((await env.deps.db.select().from(shownCards).where(eq(shownCards.avatarId, busy.id))).length, 1);
  env.telegram.userDeletes(ALICE.id, cardId);

  const output = {
    diffusers_lora_file: { url: 'https://v3.fal.media/files/x/busy.safetensors' },
    config_file: { url: 'https://v3.fal.media/files/x/c.json' },
  };
  await deliverFalWebhook(env, 'req-Busy', { request_id: 'req-Busy', status: 'OK', payload: output });
  await env.deps.tasks.drain(10_000);
  await env.deps.notifier.drain();
  t.equal(env.telegram.callsOf('sendMessage').filter((c) => String(c.payload.text).startsWith('✅ Аватар «Busy» готов')).length, 1);
  t.ok(
    env.telegram.callsOf('editMessageCaption').some((c) => c.payload.message_id === cardId),
    'the edit was tried',
  );
  t.same(await env.deps.db.select().from(shownCards).where(eq(shownCards.avatarId, busy.id)), [], 'and the gone card forgotten');
});

t.test('a button its avatar outgrew answers "outdated" and redraws the card it sits on', async (t) => {
  const env = await buildTestApp(t);
  const { busy } = await threeAvatars(env);
  await postUpdate(env.app, callbackUpdate(`gallery_card:${busy.id}`, 7, ALICE, { photo: [{ file_id: 'x' }], text: undefined }));
  const shown = lastCall(env, 'editMessageMedia')!;
  t.match(shown.payload.media, { caption: /⏳ Обучается/ });

  // The training ended while the card stayed open: its "⏹ Отменить обучение" is out of date.
  await env.deps.db
    .update(avatars)
    .set({ status: 'completed', diffusersLoraFileUrl: 'https://v3.fal.media/files/x/lora.safetensors' })
    .where(eq(avatars.id, busy.id));
  const card = { photo: [{ file_id: 'x' }], text: undefined, reply_markup: shown.payload.reply_markup };
  await postUpdate(env.app, callbackUpdate(`avatar_stop:${busy.id}`, 7, ALICE, card));
  t.equal(lastCall(env, 'answerCallbackQuery')?.payload.text, 'Эта кнопка устарела');
  const redrawn = lastCall(env, 'editMessageMedia')!;
  t.not(redrawn, shown, 'the card is drawn again');
  t.match(redrawn.payload.media, { caption: /📊 Статус: ✅ Готов/ });
  t.match(
    buttonsOf(redrawn.payload.reply_markup).map((b) => b.callback_data),
    [String, String, String, `avatar_generate:${busy.id}`],
    'with the buttons of a trained avatar',
  );
  t.notMatch(JSON.stringify(redrawn.payload.reply_markup), 'avatar_stop');

  // The same button under a message that is not a card only says so.
  const calls = env.telegram.callsOf('editMessageMedia').length;
  await postUpdate(env.app, callbackUpdate(`avatar_stop:${busy.id}`, 8, ALICE));
  t.equal(env.telegram.callsOf('editMessageMedia').length, calls);
});
