import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import t from 'tap';
import { avatarPhotos, avatars } from '../src/db/schema.js';
import { gif, jpeg, jpegHead, png, pngBombHeader } from './support/fixtures/images.js';
import {
  ALICE,
  buildTestApp,
  callbackUpdate,
  documentUpdate,
  messageUpdate,
  photoUpdate,
  postUpdate,
  type TestEnv,
  textUpdate,
} from './support/helper.js';
import { isTo, type Message, progressBelow, progressText, startWizard, uploadPhotos } from './support/wizard-driver.js';

async function photosOf(env: TestEnv, avatarId: string) {
  return env.deps.db.select().from(avatarPhotos).where(eq(avatarPhotos.avatarId, avatarId));
}

const lastReplyTo = (env: TestEnv, chatId: number) =>
  String(
    env.telegram
      .callsOf('sendMessage')
      .filter((c) => c.payload.chat_id === chatId)
      .at(-1)?.payload.text,
  );

t.test('the name is checked and asked again', async (t) => {
  const env = await buildTestApp(t);
  await postUpdate(env.app, textUpdate('➕ Создать аватар', ALICE));
  const typeMessage = await env.telegram.waitFor('sendMessage', isTo(ALICE, '🎭'));
  await postUpdate(env.app, callbackUpdate('avatar_type:style', (typeMessage.result as Message).message_id, ALICE));
  const cases: [string, string][] = [
    ['A', '❌ Имя слишком короткое. Минимум 2 символа'],
    ['   x   ', '❌ Имя слишком короткое. Минимум 2 символа'],
    ['x'.repeat(51), '❌ Имя слишком длинное. Максимум 50 символов'],
    ['🎨🎨🎨', '❌ Имя должно содержать буквы или цифры, не только эмодзи и пробелы'],
  ];
  for (const [name, reason] of cases) {
    await postUpdate(env.app, textUpdate(name, ALICE));
    t.equal(lastReplyTo(env, ALICE.id).split('\n')[0], reason, JSON.stringify(name));
    t.match(lastReplyTo(env, ALICE.id), /Как назовём аватар/, 'asked again');
  }
  env.telegram.addFile('early', await jpeg(1024, 1024, 'early'));
  await postUpdate(env.app, photoUpdate('early', ALICE));
  t.equal(lastReplyTo(env, ALICE.id), '✏️ Пришлите имя аватара текстом');
  t.equal((await env.deps.db.select().from(avatars)).length, 0, 'no avatar until the name is right');

  await postUpdate(env.app, textUpdate('  Акварель   2  ', ALICE));
  const [avatar] = await env.deps.db.select().from(avatars);
  t.equal(avatar?.name, 'Акварель 2', 'trimmed, inner spaces collapsed');
  t.equal(avatar?.trainingType, 'style');
  t.equal([...'x'.repeat(50)].length, 50);
});

t.test('photos are refused with the reason, and the others stay', async (t) => {
  const env = await buildTestApp(t, { MAX_PHOTOS: '12', MAX_PHOTO_BYTES: String(64 * 1024) });
  const { avatarId, progressMessageId } = await startWizard(env, ALICE, 'portrait', 'Strict');
  await uploadPhotos(env, ALICE, 3);

  const refusals: [string, () => ReturnType<typeof photoUpdate> | Promise<ReturnType<typeof photoUpdate>>, string][] = [
    [
      'a text file',
      () => {
        env.telegram.addFile('txt', Buffer.from('just some text, not an image at all'));
        return documentUpdate('txt', ALICE, { file_name: 'photo.jpg', mime_type: 'image/jpeg' });
      },
      '❌ Фото не принято: это не изображение',
    ],
    [
      'a GIF',
      async () => {
        env.telegram.addFile('gif', await gif(1024, 1024));
        return documentUpdate('gif', ALICE, { file_name: 'anim.gif', mime_type: 'image/gif' });
      },
      '❌ Фото не принято: формат GIF не поддерживается, нужен JPEG, PNG или WebP',
    ],
    [
      'a file declared larger than the limit (not downloaded)',
      () => documentUpdate('huge', ALICE, { file_size: 30 * 1024 * 1024 }),
      '❌ Фото не принято: файл больше 64 КБ',
    ],
    [
      'a file larger than the limit',
      () => {
        env.telegram.addFile('big', jpegHead(2048, 2048, 'big', 80 * 1024));
        return documentUpdate('big', ALICE, { file_size: 1000 });
      },
      '❌ Фото не принято: файл больше 64 КБ',
    ],
    [
      'a small photo',
      async () => {
        env.telegram.addFile('small', await jpeg(1024, 400, 'small'));
        return photoUpdate('small', ALICE);
      },
      '❌ Фото не принято: слишком маленькое (400 px по короткой стороне, нужно от 512 px)',
    ],
    [
      'the same photo again',
      async () => {
        env.telegram.addFile('again', await jpeg(1024, 1024, `p-${ALICE.id}-0`));
        return photoUpdate('again', ALICE);
      },
      '❌ Фото не принято: такое фото уже загружено',
    ],
    [
      'a file Telegram cannot give us',
      () => photoUpdate('missing-file', ALICE),
      '❌ Фото не принято: не удалось скачать файл из Telegram, отправьте его ещё раз',
    ],
  ];
  for (const [name, update, expected] of refusals) {
    const res = await postUpdate(env.app, await update());
    t.equal(res.statusCode, 200, name);
    t.equal(lastReplyTo(env, ALICE.id), expected, name);
  }
  t.equal((await photosOf(env, avatarId)).length, 3, 'the accepted photos are all still there');

  env.telegram.addFile('png', await png(768, 1024, 'png'));
  await postUpdate(env.app, documentUpdate('png', ALICE, { file_name: 'scan.png', mime_type: 'image/png' }));
  const stored = await photosOf(env, avatarId);
  const pngRow = stored.find((p) => p.telegramFileId === null);
  t.match(pngRow, { width: 768, height: 1024, format: 'jpeg' }, 'a PNG file is accepted, stored as a JPEG');
  t.match(pngRow?.storageKey, new RegExp(`^avatars/${avatarId}/photos/[0-9a-f]{64}\\.jpg$`));
  t.equal(pngRow?.sha256.length, 64);

  await uploadPhotos(env, ALICE, 9, 'fill');
  t.equal((await photosOf(env, avatarId)).length, 12);
  t.equal(lastReplyTo(env, ALICE.id), '❌ Фото не принято: уже загружено максимум 12 фото', 'the 13th is over the maximum');
  t.match(progressText(env, ALICE.id, progressMessageId), /📸 Загружено: 12\/12/);
  const files = await env.deps.storage.deleteByPrefix(`avatars/${avatarId}/`);
  t.equal(files, 24, 'storage holds exactly the accepted photos and their thumbnails: refused ones were removed again');
});

t.test('text, stickers and voice while photos are expected get a hint', async (t) => {
  const env = await buildTestApp(t);
  await startWizard(env, ALICE, 'portrait', 'Hinted');
  for (const update of [
    textUpdate('here you go', ALICE),
    messageUpdate(ALICE, {
      sticker: { file_id: 's', file_unique_id: 's', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false },
    }),
    messageUpdate(ALICE, { voice: { file_id: 'v', file_unique_id: 'v', duration: 2 } }),
  ]) {
    const res = await postUpdate(env.app, update);
    t.equal(res.statusCode, 200);
    t.equal(lastReplyTo(env, ALICE.id), '📸 Сейчас я жду фото: отправьте его как фото или файлом (JPEG, PNG, WebP).');
  }
});

t.test('uploaded photos can be browsed and one deleted', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, progressMessageId } = await startWizard(env, ALICE, 'portrait', 'Browse');
  await uploadPhotos(env, ALICE, 3);
  const progress = await progressBelow(env, ALICE, progressMessageId);
  t.match(progressText(env, ALICE.id, progress), /📸 Загружено: 3\/20/, 'photos sent one by one: the progress comes down below them');

  await postUpdate(env.app, callbackUpdate(`avatar_photos:${avatarId}:0`, progress, ALICE));
  const shown = env.telegram.callsOf('sendPhoto').at(-1)!;
  t.equal(shown.payload.photo, `p-${ALICE.id}-0`, 'shown by its Telegram file id, not re-uploaded');
  t.equal(shown.payload.caption, '📸 Фото 1/3');
  const browserId = (shown.result as Message).message_id;
  t.match(JSON.stringify(shown.payload.reply_markup), /"text":"1\/3"/);

  await postUpdate(
    env.app,
    callbackUpdate(`avatar_photos:${avatarId}:2`, browserId, ALICE, { photo: [{ file_id: 'x' }], text: undefined }),
  );
  const media = env.telegram.callsOf('editMessageMedia').at(-1)!;
  t.match(
    media.payload.media,
    { type: 'photo', media: `p-${ALICE.id}-2`, caption: '📸 Фото 3/3' },
    'the browser message is edited in place',
  );

  const [, second] = (await photosOf(env, avatarId)).sort((a, b) => a.position - b.position);
  await postUpdate(
    env.app,
    callbackUpdate(`avatar_photo_del:${avatarId}:${second!.sha256.slice(0, 8)}`, browserId, ALICE, {
      photo: [{ file_id: 'x' }],
      caption: '📸 Фото 2/3',
      text: undefined,
    }),
  );
  t.equal(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text, 'Фото удалено');
  const left = await photosOf(env, avatarId);
  t.equal(left.length, 2);
  t.notOk(left.some((p) => p.id === second!.id));
  t.equal(await env.deps.storage.exists(second!.storageKey), false, 'its file is deleted');
  t.match(progressText(env, ALICE.id, progress), /📸 Загружено: 2\/20/, 'the progress message follows');

  await postUpdate(env.app, callbackUpdate(`avatar_photos_back:${avatarId}`, browserId, ALICE));
  t.ok(
    env.telegram.callsOf('deleteMessage').some((c) => c.payload.message_id === browserId),
    'the viewer is gone',
  );
  const below = await progressBelow(env, ALICE, progress);
  t.match(progressText(env, ALICE.id, below), /📸 Загружено: 2\/20/, '"◀️ К загрузке" brings the progress down where the viewer was');
});

t.test('"✅ Готово" with too few photos is refused with the minimum', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId, progressMessageId } = await startWizard(env, ALICE, 'portrait', 'Too few');
  await uploadPhotos(env, ALICE, 9);
  await postUpdate(env.app, callbackUpdate(`avatar_photos_ready:${avatarId}`, progressMessageId, ALICE));
  t.same(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text, 'Нужно минимум 10 фото');
  const [row] = await env.deps.db.select().from(avatars).where(eq(avatars.id, avatarId));
  t.equal(row?.status, 'photos_uploading');

  await uploadPhotos(env, ALICE, 1, 'tenth');
  await postUpdate(env.app, callbackUpdate(`avatar_photos_ready:${avatarId}`, progressMessageId, ALICE));
  await env.telegram.waitFor('editMessageText', isTo(ALICE, '🦋'));
  await postUpdate(env.app, callbackUpdate(`avatar_review_back:${avatarId}`, progressMessageId, ALICE));
  const [back] = await env.deps.db.select().from(avatars).where(eq(avatars.id, avatarId));
  t.equal(back?.status, 'photos_uploading', '"◀️ К загрузке фото" reopens the upload');
  await uploadPhotos(env, ALICE, 1, 'eleventh');
  t.match(progressText(env, ALICE.id, progressMessageId), /📸 Загружено: 11\/20/);
});

t.test('an image past 100 megapixels is refused before it is stored; a row that cannot be written leaves no file', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId } = await startWizard(env, ALICE, 'portrait', 'Huge');
  const stored = () => readdir(path.join(env.config.dataDir, 'files', 'avatars', avatarId, 'photos')).catch(() => []);
  env.telegram.addFile('bomb', pngBombHeader(30_000, 30_000));
  await postUpdate(env.app, documentUpdate('bomb', ALICE, { file_name: 'bomb.png', mime_type: 'image/png' }));
  t.equal(lastReplyTo(env, ALICE.id), '❌ Фото не принято: слишком большое изображение (больше 100 мегапикселей или 20000 px по стороне)');
  t.same(await stored(), [], 'nothing stored');

  await env.deps.db.execute(sql`
    create function refuse_photo() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$;
    create trigger refuse_photo before insert on avatar_photos for each row execute function refuse_photo()`);
  await uploadPhotos(env, ALICE, 1);
  t.same(await photosOf(env, avatarId), [], 'no row');
  t.same(await stored(), [], 'and no orphan file');
});
