import { readFile } from 'node:fs/promises';
import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { avatars, generations, pictureSets, users } from '../src/db/schema.js';
import { listShoots, readCatalog, seedCatalog } from '../src/domain/sets/catalog.js';
import type { Submission } from './support/fakes/fal-api.js';
import { jpeg } from './support/fixtures/images.js';
import {
  ALICE,
  buildTestApp,
  callbackUpdate,
  deliverFalWebhook,
  INTERNAL_TOKEN,
  postUpdate,
  restartApp,
  type TestEnv,
  textUpdate,
} from './support/helper.js';
import { balanceOf } from './support/paid.js';
import { seedAvatar, userOf } from './support/seed.js';
import type { Message } from './support/wizard-driver.js';

/**
 * Pictures in sets: the preview while a portrait trains, the welcome set when it
 * is ready, and photo shoots bought from the catalogue — each told once, as
 * albums, whatever FAL redelivers and however the service restarts.
 */

const seedResult = JSON.parse(await readFile(new URL('./support/fixtures/seed-portrait-result.json', import.meta.url), 'utf8'));
const SETS_ON = { PREVIEW_PICTURES: '2', WELCOME_PICTURES: '4' };

const settle = (env: TestEnv) => env.deps.tasks.drain(10_000);
const checkStatus = (env: TestEnv) =>
  env.app.inject({ method: 'POST', url: '/internal/check-status', headers: { authorization: `Bearer ${INTERNAL_TOKEN}` } });
const submissionsOf = (env: TestEnv, modelId: string) => env.fal.state.submissions.filter((s) => s.modelId === modelId);
const albums = (env: TestEnv, captionStart: string) =>
  [...env.telegram.callsOf('sendMediaGroup'), ...env.telegram.callsOf('sendPhoto')].filter((c) => {
    const media = c.payload.media as { caption?: string }[] | undefined;
    return String(media?.[0]?.caption ?? c.payload.caption).startsWith(captionStart);
  });
const mediaCount = (call: { payload: Record<string, unknown> }) => (call.payload.media as unknown[] | undefined)?.length ?? 1;

/** FAL's webhook for a picture job: one picture the fake serves, or a failure FAL reports. */
async function finishPicture(env: TestEnv, submission: Submission, ok = true) {
  const name = `pic-${submission.requestId}.jpg`;
  env.fal.state.files.set(name, await jpeg(768, 1024, name));
  const payload = ok
    ? {
        images: [{ url: `${env.fal.url}/files/${name}`, width: 768, height: 1024, content_type: 'image/jpeg' }],
        seed: 7,
        has_nsfw_concepts: [false],
        prompt: 'x',
      }
    : { detail: [{ loc: ['body'], msg: 'Internal error while generating', type: 'runtime_error' }] };
  const res = await deliverFalWebhook(env, submission.requestId, {
    request_id: submission.requestId,
    gateway_request_id: submission.requestId,
    status: ok ? 'OK' : 'ERROR',
    ...(ok ? {} : { error: 'Internal error while generating' }),
    payload,
  });
  if (res.statusCode !== 200) throw new Error(`the webhook answered ${res.statusCode}`);
}

/** A user's avatar, ready to train, with photos whose face sizes say which is the best. */
async function readyAvatar(env: TestEnv) {
  const alice = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, alice.id, 'Anna', 'ready', new Date());
  return { alice, avatar };
}

t.test('a training in progress sends a preview from its best photo, once, as one album', async (t) => {
  const env = await buildTestApp(t, SETS_ON);
  const { avatar } = await readyAvatar(env);

  await postUpdate(env.app, callbackUpdate(`avatar_train:${avatar.id}`, 3, ALICE));
  await env.fal.waitForSubmission(1);
  await settle(env);
  const previews = submissionsOf(env, 'fal-ai/flux-pulid');
  t.equal(previews.length, 2, 'two preview pictures submitted while the training runs');
  const reference = String(previews[0]?.input.reference_image_url);
  t.ok(env.fal.fileAt(reference), 'the reference photo was uploaded to FAL storage');
  t.match(previews[0]?.input, { prompt: /^photo of a woman, /, id_weight: 1, image_size: 'portrait_4_3' });
  t.equal(previews[1]?.input.reference_image_url, reference, 'both from the same best photo');
  t.equal(previews[0]?.webhookUrl !== null, true, 'completed by our webhook like any picture');

  // FAL delivers the first twice: still one album, sent once both are in.
  await finishPicture(env, previews[0]!);
  await finishPicture(env, previews[0]!);
  await settle(env);
  t.equal(albums(env, '👀').length, 0, 'nothing until the set is complete');
  await finishPicture(env, previews[1]!);
  await settle(env);
  await checkStatus(env);
  const sent = albums(env, '👀 Предпросмотр «Anna»');
  t.equal(sent.length, 1, 'one album');
  t.equal(mediaCount(sent[0]!), 2);
  t.match((sent[0]!.payload.media as { caption: string }[])[0]?.caption, /Настоящий будет готов через ~\d+ мин\.$/);
  t.equal(
    env.telegram.callsOf('sendPhoto').filter((c) => String(c.payload.caption).startsWith('🎨 Готово')).length,
    0,
    'no picture told alone',
  );

  // Another status check, or the same training seen again, makes no second preview.
  await checkStatus(env);
  await settle(env);
  t.equal(submissionsOf(env, 'fal-ai/flux-pulid').length, 2);
  const [set] = await env.deps.db.select().from(pictureSets).where(eq(pictureSets.kind, 'preview'));
  t.match(set, { status: 'done', total: 2, price: 0 });
});

t.test('a trained avatar gets its welcome set with the ready message, once, however often FAL says it is done', async (t) => {
  const env = await buildTestApp(t, { ...SETS_ON, PREVIEW_PICTURES: '0' });
  const { avatar } = await readyAvatar(env);
  await postUpdate(env.app, callbackUpdate(`avatar_train:${avatar.id}`, 3, ALICE));
  const training = await env.fal.waitForSubmission(1);
  await settle(env);

  const done = { request_id: training.requestId, gateway_request_id: training.requestId, status: 'OK', payload: seedResult };
  await deliverFalWebhook(env, training.requestId, done);
  await deliverFalWebhook(env, training.requestId, done);
  await settle(env);
  await checkStatus(env);
  await settle(env);
  t.equal(env.telegram.callsOf('sendMessage').filter((c) => String(c.payload.text).startsWith('✅ Аватар «Anna» готов!')).length, 1);
  const welcome = submissionsOf(env, 'fal-ai/flux-lora');
  t.equal(welcome.length, 4, 'four pictures, submitted once');
  const [trained] = await env.deps.db.select().from(avatars).where(eq(avatars.id, avatar.id));
  for (const s of welcome)
    t.match(s.input.prompt, new RegExp(`^${trained!.triggerPhrase} woman, `), 'drawn with the new LoRA and its trigger');
  t.equal(new Set(welcome.map((s) => s.input.prompt)).size, 4, 'four different pictures');

  for (const s of welcome) await finishPicture(env, s);
  await settle(env);
  const sent = albums(env, '🎁 Первые снимки с аватаром «Anna»');
  t.equal(sent.length, 1, 'one album of the four');
  t.equal(mediaCount(sent[0]!), 4);
  const history = await env.deps.db.select().from(generations).where(eq(generations.avatarId, avatar.id));
  t.equal(history.filter((g) => g.setId && g.status === 'completed' && g.storageKeys.length === 1).length, 4, 'each kept in the history');
});

t.test(
  'a photo shoot: paid once, progress in place, albums of ten, failures refunded by their share, nothing twice after a restart',
  async (t) => {
    const env = await buildTestApp(t, { PRICE_SHOOT: '100', FREE_CREDITS: '250' });
    // A shoot of twenty, beside the catalogue's own.
    const themes = await readCatalog();
    const big = { ...themes.find((s) => s.id === 'business')!, id: 'big', title: { ru: 'Большая', en: 'Big' } };
    big.prompts = Array.from({ length: 20 }, (_, i) => `business portrait number ${i + 1}`);
    await seedCatalog(env.deps.db, [...themes, big]);
    const alice = await userOf(env, ALICE);
    const avatar = await seedAvatar(env, alice.id, 'Anna', 'completed', new Date());
    await env.deps.db.update(users).set({ mainAvatarId: avatar.id }).where(eq(users.id, alice.id));

    await postUpdate(env.app, textUpdate('📸 Фотосессии', ALICE));
    const catalog = env.telegram.callsOf('sendMessage').at(-1)!;
    t.equal(catalog.payload.text, '📸 Фотосессии с аватаром «Anna». Каждая — 100 ⭐. Выберите тему:');
    const themeButtons = (
      catalog.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard.flat();
    t.ok(themeButtons.length >= 9, 'the catalogue’s shoots for a portrait');
    t.notOk(
      themeButtons.some((b) => b.callback_data.endsWith(':starter')),
      'the starter set is not for sale',
    );
    t.match(
      themeButtons.find((b) => b.callback_data === `shoot_pick:${avatar.id}:big`),
      { text: '💼 Большая · 20 фото' },
    );

    const catalogId = (catalog.result as Message).message_id;
    await postUpdate(env.app, callbackUpdate(`shoot_pick:${avatar.id}:big`, catalogId, ALICE));
    t.match(env.telegram.callsOf('editMessageText').at(-1)?.payload, {
      text: /^💼 Фотосессия «Большая»: 20 снимков с аватаром «Anna»\.\n\nЦена: 100 ⭐/,
    });
    await postUpdate(env.app, callbackUpdate(`shoot_go:${avatar.id}:big`, catalogId, ALICE));
    await settle(env);
    t.equal(env.telegram.callsOf('editMessageText').at(-1)?.payload.text, '📸 Фотосессия «Большая»: 0/20 готово…');
    const shoot = submissionsOf(env, 'fal-ai/flux-lora');
    t.equal(shoot.length, 20, 'twenty pictures submitted');
    t.same(
      shoot.map((s) => s.input.prompt).sort(),
      big.prompts.map((p) => `TOK_0000abcd woman, ${p}`).sort(),
      'each of the shoot’s prompts once, with the trigger',
    );
    t.equal(await balanceOf(env, ALICE), 150, 'charged once for the shoot');

    // A second tap on the confirmation, and another shoot while this one runs: nothing more.
    await postUpdate(env.app, callbackUpdate(`shoot_go:${avatar.id}:big`, catalogId, ALICE));
    await postUpdate(env.app, callbackUpdate(`shoot_go:${avatar.id}:winter`, catalogId + 1, ALICE));
    t.match(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload, {
      text: '⏳ Одна фотосессия уже идёт — дождитесь её окончания.',
      show_alert: true,
    });
    t.equal(submissionsOf(env, 'fal-ai/flux-lora').length, 20);
    t.equal(await balanceOf(env, ALICE), 150);

    // Ten pictures in, then the service restarts: the other instance gets the rest.
    for (const s of shoot.slice(0, 10)) await finishPicture(env, s);
    await settle(env);
    t.equal(
      env.telegram.callsOf('editMessageText').at(-1)?.payload.text,
      '📸 Фотосессия «Большая»: 10/20 готово…',
      'progress edited in place',
    );
    t.equal(albums(env, '📸').length, 0, 'albums wait for the whole shoot');
    const after = await restartApp(t, env);
    t.equal(
      (await listShoots(after.deps.db, 'portrait')).some((s) => s.id === 'big'),
      false,
      'a start seeds the file’s catalogue: a shoot gone from it is hidden',
    );
    await seedCatalog(after.deps.db, [...themes, big]);
    for (const [i, s] of shoot.slice(10).entries()) await finishPicture(after, s, i < 8);
    // FAL redelivers some: nothing is told twice.
    await finishPicture(after, shoot[19]!, false);
    await finishPicture(after, shoot[3]!);
    await after.deps.tasks.drain(10_000);
    await checkStatus(after);
    await after.deps.tasks.drain(10_000);

    const sent = albums(after, '📸 💼 Большая');
    t.same(
      sent.map((c) => mediaCount(c)),
      [10, 8],
      'two albums: ten and eight',
    );
    t.equal((sent[1]!.payload.media as { caption: string }[])[0]?.caption, '📸 💼 Большая · 11–18 из 18');
    const summary = after.telegram
      .callsOf('sendMessage')
      .filter((c) => String(c.payload.text).startsWith('✅ Фотосессия «Большая» готова'));
    t.equal(summary.length, 1);
    t.equal(
      summary[0]?.payload.text,
      '✅ Фотосессия «Большая» готова: 18 снимков. 2 не получились — 10 ⭐ вернулись на баланс.\n\n⭐ Списано 90 ⭐, на балансе 160 ⭐.',
      'and what the shoot took in the end',
    );
    t.equal(await balanceOf(env, ALICE), 160, 'the two failed pictures refunded by their share, once');
    t.equal(after.telegram.callsOf('editMessageText').at(-1)?.payload.text, '✅ Фотосессия «Большая»: 18/20 готово');

    // 👍/👎 under each album, and the catalogue shows the rate.
    const votes = after.telegram.callsOf('sendMessage').filter((c) => String(c.payload.text).startsWith('Оцените снимки'));
    t.same(
      votes.map((c) => c.payload.text),
      [
        'Оцените снимки 1–10: 👍 — нравится, 👎 — нет. Так мы узнаём, какие съёмки удаются.',
        'Оцените снимки 11–18: 👍 — нравится, 👎 — нет. Так мы узнаём, какие съёмки удаются.',
      ],
    );
    const voteButtons = (votes[0]!.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] })
      .inline_keyboard;
    t.same(
      voteButtons[0]!.map((b) => b.text),
      ['1 👍', '1 👎'],
    );
    await postUpdate(after.app, callbackUpdate(voteButtons[0]![0]!.callback_data, 99, ALICE));
    await postUpdate(after.app, callbackUpdate(voteButtons[1]![0]!.callback_data, 99, ALICE));
    await postUpdate(after.app, callbackUpdate(voteButtons[2]![1]!.callback_data, 99, ALICE));
    t.equal(after.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text, '👎 Учтём');
    const voted = await after.deps.db
      .select()
      .from(generations)
      .where(and(eq(generations.avatarId, avatar.id), eq(generations.vote, 1)));
    t.equal(voted.length, 2);
    await postUpdate(after.app, textUpdate('📸 Фотосессии', ALICE));
    const again = after.telegram.callsOf('sendMessage').at(-1)!;
    const rated = (again.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard
      .flat()
      .find((b) => b.callback_data === `shoot_pick:${avatar.id}:big`);
    t.equal(rated?.text, '💼 Большая · 20 фото · 👍 67%');
  },
);

t.test('MAX_SHOOTS_PER_DAY_PER_USER=0 turns photo shoots off', async (t) => {
  const env = await buildTestApp(t, { MAX_SHOOTS_PER_DAY_PER_USER: '0' });
  const alice = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, alice.id, 'Anna', 'completed', new Date());
  await env.deps.db.update(users).set({ mainAvatarId: avatar.id }).where(eq(users.id, alice.id));
  await postUpdate(env.app, textUpdate('📸 Фотосессии', ALICE));
  t.equal(env.telegram.callsOf('sendMessage').at(-1)?.payload.text, '📸 Фотосессии сейчас выключены.');
  await postUpdate(env.app, callbackUpdate(`shoot_go:${avatar.id}:business`, 5, ALICE));
  t.match(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload, { text: '📸 Фотосессии сейчас выключены.', show_alert: true });
  await settle(env);
  t.equal(env.fal.state.submissions.length, 0, 'nothing drawn');
});

t.test('deleting an avatar mid-shoot gives back what was not drawn, once; the rest of the shoot is never sent', async (t) => {
  const env = await buildTestApp(t, { PRICE_SHOOT: '100', FREE_CREDITS: '250' });
  const alice = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, alice.id, 'Anna', 'completed', new Date());
  await postUpdate(env.app, callbackUpdate(`shoot_go:${avatar.id}:business`, 40, ALICE));
  await settle(env);
  const shoot = submissionsOf(env, 'fal-ai/flux-lora');
  t.equal(shoot.length, 10);
  for (const s of shoot.slice(0, 3)) await finishPicture(env, s);
  await settle(env);
  t.equal(await balanceOf(env, ALICE), 150);

  await postUpdate(env.app, callbackUpdate(`avatar_delete_confirm:${avatar.id}`, 41, ALICE));
  await settle(env);
  t.equal(await balanceOf(env, ALICE), 220, 'seven of ten undrawn: 70 ⭐ back');
  for (const s of shoot.slice(3)) await finishPicture(env, s);
  await settle(env);
  await checkStatus(env);
  t.equal(await balanceOf(env, ALICE), 220, 'nothing more when the rest ends');
  t.equal(albums(env, '📸').length, 0, 'nothing of a deleted avatar is sent');
  t.same(await env.deps.db.select().from(pictureSets), [], 'the sets went with the avatar');
});
