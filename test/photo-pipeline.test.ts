import { buffer } from 'node:stream/consumers';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import t from 'tap';
import { avatarPhotos } from '../src/db/schema.js';
import { picture } from './support/fixtures/images.js';
import { ALICE, buildTestApp, documentUpdate, photoUpdate, postUpdate, type TestEnv } from './support/helper.js';
import { startWizard } from './support/wizard-driver.js';

/** Real photos through the bot: what is stored is upright, clean, sRGB JPEG at most 1536 px, with a thumbnail. */

const lastReply = (env: TestEnv) =>
  String(
    env.telegram
      .callsOf('sendMessage')
      .filter((c) => c.payload.chat_id === ALICE.id)
      .at(-1)?.payload.text,
  );

async function send(env: TestEnv, fileId: string, bytes: Buffer, as: 'photo' | 'document' = 'document') {
  env.telegram.addFile(fileId, bytes);
  const update = as === 'photo' ? photoUpdate(fileId, ALICE) : documentUpdate(fileId, ALICE, { file_size: bytes.length });
  const res = await postUpdate(env.app, update);
  if (res.statusCode !== 200) throw new Error(`answered ${res.statusCode}`);
}

async function rows(env: TestEnv, avatarId: string) {
  return env.deps.db.select().from(avatarPhotos).where(eq(avatarPhotos.avatarId, avatarId)).orderBy(avatarPhotos.position);
}

const stored = async (env: TestEnv, key: string) => buffer((await env.deps.storage.get(key))!);

t.test('a phone photo: turned upright, metadata gone, sRGB JPEG at most 1536 px, a thumbnail made once', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId } = await startWizard(env, ALICE, 'portrait', 'Phone');
  // Stored sideways, as phones do, with the orientation and a camera tag in EXIF.
  const sideways = await picture(4000, 3000, 'phone')
    .withMetadata({ orientation: 6 })
    .withExifMerge({ IFD0: { Make: 'PhoneMaker', Copyright: 'home address' } })
    .jpeg()
    .toBuffer();
  t.equal((await sharp(sideways).metadata()).orientation, 6);
  t.match(sideways.toString('latin1'), 'PhoneMaker');
  await send(env, 'phone', sideways);

  const [row] = await rows(env, avatarId);
  t.match(row, { width: 1152, height: 1536, format: 'jpeg' }, 'upright (portrait) and at most 1536 px on its long side');
  const jpeg = await stored(env, row!.storageKey);
  const meta = await sharp(jpeg).metadata();
  t.match(meta, { format: 'jpeg', width: 1152, height: 1536, space: 'srgb', channels: 3 });
  t.equal(meta.exif, undefined, 'no EXIF: no orientation, no camera, no location');
  t.equal(meta.orientation, undefined);
  t.notMatch(jpeg.toString('latin1'), 'PhoneMaker');
  t.equal(row!.sizeBytes, jpeg.length);
  t.ok(jpeg.length < sideways.length / 2, `far smaller than what was sent (${jpeg.length} of ${sideways.length} bytes)`);

  const thumbnail = await sharp(await stored(env, row!.thumbnailKey!)).metadata();
  t.match(thumbnail, { format: 'jpeg', width: 240, height: 320 }, 'a 320 px thumbnail');
});

t.test('PNG with transparency, WebP and AVIF are taken; HEIC is refused with the formats to use', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId } = await startWizard(env, ALICE, 'style', 'Formats');
  const withAlpha = await picture(800, 800, 'alpha').ensureAlpha(0.5).png().toBuffer();
  await send(env, 'alpha', withAlpha);
  await send(env, 'webp', await picture(900, 700, 'webp').webp().toBuffer());
  await send(env, 'avif', await picture(700, 900, 'avif').avif().toBuffer());
  const stored3 = await rows(env, avatarId);
  t.equal(stored3.length, 3);
  for (const row of stored3) {
    const meta = await sharp(await stored(env, row.storageKey)).metadata();
    t.match(meta, { format: 'jpeg', channels: 3, hasAlpha: false }, `${row.width}×${row.height} stored as an opaque JPEG`);
  }

  // The start of an iPhone HEIC: the ftyp box names the brand.
  const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic'), Buffer.alloc(200)]);
  await send(env, 'heic', heic);
  t.equal(
    lastReply(env),
    '❌ Фото не принято: формат HEIC (iPhone) я не читаю. Отправьте снимок как фото, а не файлом, или в JPEG, PNG или WebP',
  );
  t.equal((await rows(env, avatarId)).length, 3);
});

t.test('quality hints: blurry, dark and blank photos are refused with what to do; 0 turns a hint off', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId } = await startWizard(env, ALICE, 'portrait', 'Quality');
  const sharpOne = await picture(1024, 1024, 'sharp').jpeg().toBuffer();
  await send(env, 'sharp', sharpOne);
  await send(env, 'blurred', await sharp(sharpOne).blur(6).jpeg().toBuffer());
  t.equal(lastReply(env), '❌ Фото не принято: слишком размытое. Нужен резкий снимок, не смазанный движением и в фокусе');
  await send(env, 'dark', await picture(1024, 1024, 'dark').linear(0.08, 0).jpeg().toBuffer());
  t.equal(lastReply(env), '❌ Фото не принято: слишком тёмное. Нужен снимок при хорошем свете, где видно детали');
  await send(
    env,
    'blank',
    await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#dde3ea' } })
      .jpeg()
      .toBuffer(),
  );
  t.equal(lastReply(env), '❌ Фото не принято: на нём почти ничего нет (один цвет). Пришлите обычный снимок');
  t.equal((await rows(env, avatarId)).length, 1, 'only the usable photo is kept');

  const lenient = await buildTestApp(t, { PHOTO_MIN_SHARPNESS: '0' });
  const second = await startWizard(lenient, ALICE, 'portrait', 'Lenient');
  await send(lenient, 'blurred', await sharp(sharpOne).blur(6).jpeg().toBuffer());
  t.equal((await rows(lenient, second.avatarId)).length, 1, 'with PHOTO_MIN_SHARPNESS=0 a blurry photo is taken');
});

t.test('the same picture sent as a photo and again as a file is one photo', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId } = await startWizard(env, ALICE, 'portrait', 'Twice');
  const original = await picture(3000, 2000, 'twice').jpeg({ quality: 95 }).toBuffer();
  // What Telegram makes of a photo: recompressed, at most 1280 px.
  const compressed = await sharp(original).resize(1280).jpeg({ quality: 75 }).toBuffer();
  await send(env, 'compressed', compressed, 'photo');
  await send(env, 'original', original, 'document');
  t.equal(lastReply(env), '❌ Фото не принято: такое фото уже загружено');
  await send(env, 'other', await picture(3000, 2000, 'another').jpeg().toBuffer(), 'document');
  t.equal((await rows(env, avatarId)).length, 2, 'a different picture of the same size is not a duplicate');
});

t.test('a 100-megapixel-plus PNG is refused from its header, before any pixel is decoded', async (t) => {
  const env = await buildTestApp(t);
  const { avatarId } = await startWizard(env, ALICE, 'portrait', 'Bomb');
  // A real PNG of 12000×9000 (108 MP): a few hundred KB that would need 324 MB decoded.
  const bomb = await sharp({ create: { width: 12_000, height: 9000, channels: 3, background: '#808080' }, limitInputPixels: false })
    .png({ compressionLevel: 9 })
    .toBuffer();
  await send(env, 'bomb', bomb);
  t.equal(lastReply(env), '❌ Фото не принято: слишком большое изображение (больше 100 мегапикселей или 20000 px по стороне)');
  t.equal((await rows(env, avatarId)).length, 0);
});

t.test(
  'an AVIF, which libvips decodes whole (about 18 bytes a pixel), is taken up to 6 MP; a 100 MP one is refused from its header',
  async (t) => {
    const env = await buildTestApp(t);
    const { avatarId } = await startWizard(env, ALICE, 'portrait', 'Avif');
    // 99.7 MP in a 2 KB file: decoded, 1.8 GB (two at once, 3.6 GB) on a 512 MB machine.
    const bomb = await sharp({ create: { width: 10_000, height: 9970, channels: 3, background: '#7a50c8' }, limitInputPixels: false })
      .avif({ effort: 0 })
      .toBuffer();
    await send(env, 'avif-bomb', bomb);
    t.equal(lastReply(env), '❌ Фото не принято: слишком большое изображение (больше 6 мегапикселей или 20000 px по стороне)');
    t.equal((await rows(env, avatarId)).length, 0);
    // The same 9 MP as JPEG is fine: JPEG shrinks on load.
    const nine = { width: 3000, height: 3000 };
    await send(env, 'avif-9mp', await picture(nine.width, nine.height, 'nine').avif({ effort: 0 }).toBuffer());
    t.match(lastReply(env), /больше 6 мегапикселей/);
    await send(env, 'jpeg-9mp', await picture(nine.width, nine.height, 'nine').jpeg().toBuffer());
    await send(env, 'avif-6mp', await picture(2400, 2400, 'six').avif({ effort: 0 }).toBuffer());
    t.equal((await rows(env, avatarId)).length, 2, 'the 9 MP JPEG and the 5.8 MP AVIF are taken');
  },
);
