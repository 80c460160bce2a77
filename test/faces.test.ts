import { eq } from 'drizzle-orm';
import t from 'tap';
import { avatarPhotos, avatars, botState, generations } from '../src/db/schema.js';
import { createFaceDetector } from '../src/faces/face-detector.js';
import { sampleGroup, samplePortrait, sampleStranger } from '../src/local/sample-faces.js';
import { cutOffFace, distantFace, noFace } from './support/fixtures/faces.js';
import {
  ALICE,
  buildTestApp,
  callbackUpdate,
  deliverFalWebhook,
  type From,
  photoUpdate,
  postUpdate,
  type TestEnv,
  textUpdate,
} from './support/helper.js';
import { seedAvatar, userOf } from './support/seed.js';
import { type Message, progressBelow, progressText, startWizard } from './support/wizard-driver.js';

/**
 * The face check on real photos (cut from face-api's demo photos, never drawn
 * faces): one face per portrait photo, big and whole; one person across the
 * set, with a flag the user answers; a generated picture scored for likeness.
 */

const FACES_ON = { FACE_CHECK: 'on' };
const buttonsOf = (markup: unknown) =>
  ((markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined)?.inline_keyboard ?? []).flat();

let nextFile = 0;
/** Sends one photo as Telegram would and returns what the bot said about it. */
async function send(env: TestEnv, bytes: Buffer, from: From = ALICE) {
  const fileId = `face-${nextFile++}`;
  env.telegram.addFile(fileId, bytes);
  const before = env.telegram.calls.length;
  const res = await postUpdate(env.app, photoUpdate(fileId, from));
  if (res.statusCode !== 200) throw new Error(`the photo answered ${res.statusCode}`);
  return env.telegram.calls.slice(before);
}
/** What the bot said, apart from the upload's progress, which comes down below each burst of photos on its own time. */
const said = (calls: { method: string; payload: Record<string, unknown> }[]) =>
  calls
    .filter((c) => c.method === 'sendMessage' || c.method === 'sendPhoto')
    .map((c) => String(c.payload.text ?? c.payload.caption))
    .filter((text) => !text.startsWith('📊'));

const photosOf = (env: TestEnv, avatarId: string) =>
  env.deps.db.select().from(avatarPhotos).where(eq(avatarPhotos.avatarId, avatarId)).orderBy(avatarPhotos.position);

t.test('a portrait photo needs one face, big enough and whole; each refusal says what to do', async (t) => {
  const env = await buildTestApp(t, FACES_ON);
  const { avatarId } = await startWizard(env, ALICE, 'portrait', 'Faces');

  t.same(said(await send(env, await noFace())), ['❌ Фото не принято: я не вижу на нём лица. Нужен снимок, где хорошо видно ваше лицо']);
  t.same(said(await send(env, await sampleGroup())), ['❌ Фото не принято: на нём 3 лица. Обрежьте фото так, чтобы на нём были только вы']);
  t.match(said(await send(env, await distantFace())), [
    /^❌ Фото не принято: лицо слишком мелкое \(\d+% кадра, нужно от 15%\)\. Подойдите ближе/,
  ]);
  t.same(said(await send(env, await cutOffFace())), [
    '❌ Фото не принято: лицо обрезано краем кадра. Нужен снимок, где лицо видно целиком',
  ]);
  t.equal((await photosOf(env, avatarId)).length, 0, 'nothing refused is stored');

  t.same(said(await send(env, await samplePortrait(0))), [], 'a photo of one face is taken without a word');
  const [photo] = await photosOf(env, avatarId);
  t.equal(photo?.faceStatus, 'ok');
  t.equal(photo?.faceDescriptor?.length, 128, 'its face descriptor is kept for the one-person check');
});

t.test('the face rules follow the settings; an artistic avatar needs no face; FACE_CHECK=off checks nothing', async (t) => {
  const loose = await buildTestApp(t, { ...FACES_ON, FACE_MIN_SIZE: '0.05' });
  await startWizard(loose, ALICE, 'portrait', 'Loose');
  t.same(said(await send(loose, await distantFace())), [], 'FACE_MIN_SIZE=0.05 takes a distant face');

  const style = await buildTestApp(t, FACES_ON);
  const { avatarId } = await startWizard(style, ALICE, 'style', 'Style');
  t.same(said(await send(style, await noFace())), [], 'a style avatar learns a look: no face needed');
  t.equal((await photosOf(style, avatarId))[0]?.faceStatus, null);

  const off = await buildTestApp(t, { FACE_CHECK: 'off' });
  await startWizard(off, ALICE, 'portrait', 'Off');
  t.same(said(await send(off, await sampleGroup())), [], 'with the check off a group photo is taken');
  const scans = await off.deps.metrics.registry.getSingleMetricAsString('avatar_bot_face_scan_duration_seconds');
  t.notMatch(scans, /_count\{/, 'no model ran');
});

t.test('someone else among the photos is flagged at once; keep or delete; the review waits for the answer', async (t) => {
  const env = await buildTestApp(t, { ...FACES_ON, MIN_PHOTOS: '3' });
  const { avatarId, progressMessageId } = await startWizard(env, ALICE, 'portrait', 'One');
  for (const i of [0, 1, 2]) t.same(said(await send(env, await samplePortrait(i))), [], `photo ${i + 1} of the person: no flag`);

  const flag = (await send(env, await sampleStranger())).find((c) => c.method === 'sendPhoto');
  t.equal(flag?.payload.caption, '🤔 Похоже, на этом фото другой человек. Если обучить на нём, аватар получится не похожим на вас.');
  const [keep, drop] = buttonsOf(flag?.payload.reply_markup);
  t.match(keep, { text: '✅ Это я, оставить', callback_data: new RegExp(`^avatar_face_keep:${avatarId}:[0-9a-f]{8}$`) });
  t.match(drop, { text: '🗑 Удалить фото', callback_data: new RegExp(`^avatar_face_drop:${avatarId}:[0-9a-f]{8}$`) });
  t.same(
    (await photosOf(env, avatarId)).map((p) => p.faceStatus),
    ['ok', 'ok', 'ok', 'flagged'],
  );

  // "✅ Готово" while the flag is open: an alert, the flagged photo shown again, no review.
  const flagMessage = (flag!.result as Message).message_id;
  const before = env.telegram.callsOf('sendPhoto').length;
  await postUpdate(env.app, callbackUpdate(`avatar_photos_ready:${avatarId}`, progressMessageId, ALICE));
  t.match(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload, {
    text: 'Сначала решите, что делать с фото, похожим на другого человека — оставить или удалить.',
    show_alert: true,
  });
  t.equal(env.telegram.callsOf('sendPhoto').length, before + 1, 'the flagged photo is asked about again');
  const [avatar] = await env.deps.db.select().from(avatars).where(eq(avatars.id, avatarId));
  t.equal(avatar?.status, 'photos_uploading', 'no review while a flag is open');

  // Delete: the photo goes, the progress shows three again below the answered question, and the review opens.
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the last photo's burst has settled
  const [state] = await env.deps.db.select().from(botState).where(eq(botState.chatId, ALICE.id));
  const shown = Number((state?.data as { progressMessageId?: number } | undefined)?.progressMessageId);
  await postUpdate(env.app, callbackUpdate(drop!.callback_data, flagMessage, ALICE));
  t.equal(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text, 'Фото удалено');
  const below = await progressBelow(env, ALICE, shown);
  t.match(progressText(env, ALICE.id, below), /Загружено: 3\//, 'the last answer brings the progress down, with the count it left');
  t.same(
    (await photosOf(env, avatarId)).map((p) => p.faceStatus),
    ['ok', 'ok', 'ok'],
  );
  await postUpdate(env.app, callbackUpdate(`avatar_photos_ready:${avatarId}`, progressMessageId, ALICE));
  const review = env.telegram.callsOf('editMessageText').at(-1)?.payload.text;
  t.match(review, /📸 Фото: 3\n🧑 3 фото · одно лицо на каждом · один человек ✅\n/);
});

t.test('"it is me": a kept photo stays and is not flagged again; the first photo can be the stranger', async (t) => {
  const env = await buildTestApp(t, { ...FACES_ON, MIN_PHOTOS: '3' });
  const { avatarId, progressMessageId } = await startWizard(env, ALICE, 'portrait', 'Kept');
  // The stranger first: with two photos there is no telling who is who, so nobody is flagged yet.
  t.same(said(await send(env, await sampleStranger())), []);
  t.same(said(await send(env, await samplePortrait(0))), []);
  const third = await send(env, await samplePortrait(1));
  t.equal(third.filter((c) => c.method === 'sendPhoto').length, 1, 'the third photo shows who is the odd one: the first');
  t.same(
    (await photosOf(env, avatarId)).map((p) => p.faceStatus),
    ['flagged', 'ok', 'ok'],
  );
  const keep = buttonsOf(third.find((c) => c.method === 'sendPhoto')?.payload.reply_markup)[0]!;
  await postUpdate(env.app, callbackUpdate(keep.callback_data, 77, ALICE));
  t.equal(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text, '✅ Фото оставлено');
  await send(env, await samplePortrait(2));
  t.same(
    (await photosOf(env, avatarId)).map((p) => p.faceStatus),
    ['kept', 'ok', 'ok', 'ok'],
    'the user’s word holds',
  );
  await postUpdate(env.app, callbackUpdate(`avatar_photos_ready:${avatarId}`, progressMessageId, ALICE));
  t.match(env.telegram.callsOf('editMessageText').at(-1)?.payload.text, /🧑 4 фото · одно лицо на каждом · один человек ✅/);
  await postUpdate(env.app, callbackUpdate(keep.callback_data, 77, ALICE));
  t.match(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload, { text: 'Эта кнопка устарела' }, 'a second answer is stale');
});

t.test('a generated picture is scored against the avatar’s face: the person scores high, someone else is flagged', async (t) => {
  const env = await buildTestApp(t, FACES_ON);
  const alice = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, alice.id, 'Likeness', 'completed', new Date());
  // The avatar's photos: three of the person, with their descriptors, as the upload stores them.
  const detector = createFaceDetector();
  t.teardown(detector.close);
  for (const [position, i] of [2, 3, 4].entries()) {
    const face = (await detector.scan(await samplePortrait(i))).faces[0]!;
    await env.deps.db.insert(avatarPhotos).values({
      avatarId: avatar.id,
      storageKey: `k${i}`,
      sha256: `sha${i}`,
      sizeBytes: 1,
      width: 1,
      height: 1,
      format: 'jpeg',
      position: position + 1,
      faceDescriptor: face.descriptor,
      faceStatus: 'ok',
    });
  }

  const draw = async (picture: Buffer, name: string) => {
    await postUpdate(env.app, callbackUpdate(`avatar_generate:${avatar.id}`, 7, ALICE));
    const offer = env.telegram.callsOf('sendMessage').at(-1)!;
    await postUpdate(env.app, callbackUpdate(`gen_format:${avatar.id}:square`, (offer.result as Message).message_id, ALICE));
    await postUpdate(env.app, textUpdate('in a garden', ALICE));
    await env.deps.tasks.drain(10_000);
    const submission = env.fal.state.submissions.at(-1)!;
    env.fal.state.files.set(name, picture);
    const url = `${env.fal.url}/files/${name}`;
    const payload = {
      images: [{ url, width: 1024, height: 1024, content_type: 'image/jpeg' }],
      seed: 1,
      has_nsfw_concepts: [false],
      prompt: 'x',
    };
    await deliverFalWebhook(env, submission.requestId, {
      request_id: submission.requestId,
      gateway_request_id: submission.requestId,
      status: 'OK',
      payload,
    });
    await env.deps.tasks.drain(10_000);
    const [row] = await env.deps.db.select().from(generations).where(eq(generations.falRequestId, submission.requestId));
    return { row, caption: String(env.telegram.callsOf('sendPhoto').at(-1)?.payload.caption) };
  };

  const alike = await draw(await samplePortrait(0), 'alike.jpg');
  t.match(alike.row, { likenessStatus: 'measured' });
  t.ok(alike.row!.likeness! >= 80, `the person scores high (${alike.row?.likeness} %)`);
  t.equal(alike.caption, `🎨 Готово! Аватар «Likeness»\n🎯 сходство ${alike.row?.likeness} %`);

  const other = await draw(await sampleStranger(), 'other.jpg');
  t.ok(other.row!.likeness! < 60, `someone else scores under the threshold (${other.row?.likeness} %)`);
  t.match(other.caption, /🎯 сходство \d+ % ⚠️ не похоже$/);

  const none = await draw(await noFace(), 'none.jpg');
  t.match(none.row, { likeness: null, likenessStatus: 'no_face' });
  t.match(none.caption, /⚠️ лица на картинке не видно$/);

  const metrics = await env.deps.metrics.registry.getSingleMetricAsString('avatar_bot_face_scan_duration_seconds');
  t.match(metrics, /avatar_bot_face_scan_duration_seconds_count\{outcome="ok"\} 3/, 'each scored picture is one counted scan');

  // The history shows each score and sorts by it, unscored last; back to the newest first.
  const history = async (action: string) => {
    await postUpdate(env.app, callbackUpdate(`${action}:${avatar.id}`, 7, ALICE));
    const edit = env.telegram.callsOf('editMessageText').at(-1)!.payload;
    const buttons = buttonsOf(edit.reply_markup).map((b) => b.callback_data);
    return {
      lines: String(edit.text).split('\n').slice(2),
      buttons: buttons.filter((b) => !b.startsWith('gen_show:')),
      shows: buttons.filter((b) => b.startsWith('gen_show:')),
    };
  };
  const byDate = await history('avatar_history');
  t.match(byDate.lines, [
    /^1\. .* — in a garden$/,
    new RegExp(`^2\\. .* · 🎯 ${other.row?.likeness} % — `),
    new RegExp(`^3\\. .* · 🎯 ${alike.row?.likeness} % — `),
  ]);
  t.same(byDate.buttons, [`avatar_history_best:${avatar.id}`, `gallery_card:${avatar.id}`]);
  const best = await history('avatar_history_best');
  t.match(best.lines, [
    new RegExp(` · 🎯 ${alike.row?.likeness} % — `),
    new RegExp(` · 🎯 ${other.row?.likeness} % — `),
    /^3\. [^🎯]* — in a garden$/u,
  ]);
  t.same(best.buttons, [`avatar_history:${avatar.id}`, `gallery_card:${avatar.id}`], 'the way back to the newest first');
  t.same(best.shows.slice(0, 2), [`gen_show:${alike.row?.id}`, `gen_show:${other.row?.id}`], '"🖼 N" opens the picture of line N');
  t.equal(byDate.shows.length, byDate.lines.length, 'one button per line');

  // The operator's view: how alike the week's pictures are, by training preset.
  const [seeded] = await env.deps.db.select({ preset: avatars.trainingPreset }).from(avatars).where(eq(avatars.id, avatar.id));
  const preset = seeded?.preset ?? 'unknown';
  const text = await env.deps.metrics.registry.metrics();
  const mean = (alike.row!.likeness! + other.row!.likeness!) / 2;
  t.match(text, new RegExp(`avatar_bot_likeness_mean_percent_7d\\{preset="${preset}"\\} ${mean}\\b`));
  t.match(text, new RegExp(`avatar_bot_pictures_scored_7d\\{preset="${preset}",outcome="face"\\} 2\\b`));
  t.match(text, new RegExp(`avatar_bot_pictures_scored_7d\\{preset="${preset}",outcome="no_face"\\} 1\\b`));
});
