import { eq, inArray } from 'drizzle-orm';
import t from 'tap';
import { avatars, generations, users } from '../src/db/schema.js';
import { jpeg } from './support/fixtures/images.js';
import {
  ALICE,
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
const lastText = (env: TestEnv) => String(lastCall(env, 'sendMessage')?.payload.text);
const buttonsOf = (markup: unknown) =>
  ((markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined)?.inline_keyboard ?? [])
    .flat()
    .map(({ text, callback_data }) => ({ text, callback_data }));

/** FAL's image output, with picture files the fake serves. */
async function imagesOutput(env: TestEnv, names: string[], nsfw: boolean[] = names.map(() => false)) {
  for (const name of names) env.fal.state.files.set(name, await jpeg(1024, 768, name));
  return {
    images: names.map((name) => ({ url: `${env.fal.url}/files/${name}`, width: 1024, height: 768, content_type: 'image/jpeg' })),
    seed: 42,
    has_nsfw_concepts: nsfw,
    prompt: 'x',
  };
}

function deliver(env: TestEnv, requestId: string, payload: unknown) {
  return deliverFalWebhook(env, requestId, { request_id: requestId, gateway_request_id: requestId, status: 'OK', payload });
}

/** Card button → format → prompt; returns FAL's submission of it. */
async function generateFrom(env: TestEnv, avatarId: string, format: string, prompt: string) {
  const before = env.fal.state.submissions.length;
  await postUpdate(env.app, callbackUpdate(`avatar_generate:${avatarId}`, 7, ALICE, { photo: [{ file_id: 'x' }], text: undefined }));
  const offer = lastCall(env, 'sendMessage')!;
  await postUpdate(env.app, callbackUpdate(`gen_format:${avatarId}:${format}`, (offer.result as Message).message_id, ALICE));
  await postUpdate(env.app, textUpdate(prompt, ALICE));
  await env.deps.tasks.drain(10_000);
  return env.fal.state.submissions.length > before ? env.fal.state.submissions.at(-1)! : null;
}

async function completedAvatar(env: TestEnv, extra: Partial<typeof avatars.$inferInsert> = {}) {
  const alice = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, alice.id, 'Done', 'completed', new Date());
  if (Object.keys(extra).length > 0) await env.deps.db.update(avatars).set(extra).where(eq(avatars.id, avatar.id));
  return { alice, avatar: { ...avatar, ...extra } };
}

t.test('a LoRA avatar draws through fal-ai/flux-lora with its stored LoRA and the trigger added once', async (t) => {
  const env = await buildTestApp(t, { PUBLIC_URL: 'https://bot.example.com' });
  const { avatar } = await completedAvatar(env);

  await postUpdate(env.app, callbackUpdate(`avatar_generate:${avatar.id}`, 7, ALICE));
  const offer = lastCall(env, 'sendMessage')!;
  t.equal(offer.payload.text, '🖼 Выберите формат картинки с аватаром «Done»:');
  t.same(
    buttonsOf(offer.payload.reply_markup).map((b) => b.text),
    ['📱 Портрет (3:4)', '🔲 Квадрат (1:1)', '📺 Сторис (9:16)', '🎬 Кино (16:9)'],
  );

  const submission = await generateFrom(env, avatar.id, 'portrait', '  on a beach at sunset ');
  t.equal(lastText(env), '🎨 Генерирую… Обычно это занимает до минуты.');
  t.equal(submission?.modelId, 'fal-ai/flux-lora');
  t.match(submission?.webhookUrl, /^https:\/\/bot\.example\.com\/webhooks\/fal\?key=[0-9a-f]{32}$/);
  t.same(submission?.input, {
    prompt: 'TOK_0000abcd woman, on a beach at sunset',
    loras: [{ path: 'https://v3.fal.media/files/x/lora.safetensors', scale: 1.1 }],
    image_size: 'portrait_4_3',
    num_inference_steps: 28,
    guidance_scale: 3.5,
    num_images: 1,
    enable_safety_checker: true,
    output_format: 'jpeg',
  });
  const [generation] = await env.deps.db.select().from(generations).where(eq(generations.falRequestId, submission!.requestId));
  t.match(generation, {
    status: 'running',
    prompt: 'on a beach at sunset',
    fullPrompt: 'TOK_0000abcd woman, on a beach at sunset',
    format: 'portrait',
  });

  const output = await imagesOutput(env, ['pic-1.jpg']);
  const answers = await Promise.all([deliver(env, submission!.requestId, output), deliver(env, submission!.requestId, output)]);
  t.same(
    answers.map((r) => r.statusCode),
    [200, 200],
  );
  await env.deps.tasks.drain(10_000);

  const photos = env.telegram.callsOf('sendPhoto').filter((c) => c.payload.caption === '🎨 Готово! Аватар «Done»');
  t.equal(photos.length, 1, 'duplicate webhooks: one picture sent');
  t.same(buttonsOf(photos[0]?.payload.reply_markup), [
    { text: '🔁 Ещё', callback_data: `gen_again:${generation!.id}` },
    { text: '🔁 Вариация', callback_data: `gen_vary:${generation!.id}` },
    { text: '📝 Промпт', callback_data: `gen_prompt:${generation!.id}` },
    { text: '✨ Идеи', callback_data: `avatar_ideas:${avatar.id}` },
    { text: '🎭 Мои аватары', callback_data: 'gallery_open' },
  ]);
  const [done] = await env.deps.db.select().from(generations).where(eq(generations.id, generation!.id));
  t.match(done, { status: 'completed', seed: 42, imageUrls: [`${env.fal.url}/files/pic-1.jpg`] });
  t.same(done?.storageKeys, [`avatars/${avatar.id}/generations/${generation!.id}/1.jpg`]);
  t.equal(await env.deps.storage.exists(done!.storageKeys[0]!), true, 'the picture is kept in storage under the avatar');

  await postUpdate(env.app, callbackUpdate(`gen_prompt:${generation!.id}`, 9, ALICE));
  t.equal(lastText(env), '📝 Ваш запрос:\n\non a beach at sunset', 'the user’s own words, not the trigger the model got');
  const [user] = await env.deps.db.select().from(users).where(eq(users.telegramId, ALICE.id));
  t.equal(user?.generationFormat, 'portrait', 'the format is remembered');

  await postUpdate(env.app, callbackUpdate(`gen_again:${generation!.id}`, 9, ALICE));
  await env.deps.tasks.drain(10_000);
  t.equal(env.fal.state.submissions.length, 2);
  t.equal(env.fal.state.submissions[1]?.input.prompt, 'TOK_0000abcd woman, on a beach at sunset', '"🔁 Ещё" draws the same prompt again');
  await postUpdate(env.app, callbackUpdate(`avatar_generate:${avatar.id}`, 7, ALICE));
  t.match(buttonsOf(lastCall(env, 'sendMessage')?.payload.reply_markup)[0], { text: '✓ 📱 Портрет (3:4)' });
});

t.test('a trigger the user typed is not added again', async (t) => {
  const env = await buildTestApp(t);
  const { avatar } = await completedAvatar(env);
  const submission = await generateFrom(env, avatar.id, 'square', 'portrait of tok_0000ABCD in armour');
  t.equal(submission?.input.prompt, 'portrait of tok_0000ABCD in armour');
  t.equal(submission?.input.image_size, 'square_hd');
});

t.test('a finetune avatar draws with its finetune_id and aspect ratio', async (t) => {
  const env = await buildTestApp(t);
  const { avatar } = await completedAvatar(env, { diffusersLoraFileUrl: null, finetuneId: 'ft-777' });
  const submission = await generateFrom(env, avatar.id, 'story', 'in a neon city');
  t.equal(submission?.modelId, 'fal-ai/flux-pro/v1.1-ultra-finetuned');
  t.match(submission?.input, {
    finetune_id: 'ft-777',
    finetune_strength: 1,
    aspect_ratio: '9:16',
    prompt: 'TOK_0000abcd woman, in a neon city',
  });
});

t.test('an avatar that is not ready is refused with a reason, and nothing is submitted', async (t) => {
  const env = await buildTestApp(t);
  const alice = await userOf(env, ALICE);
  const busy = await seedAvatar(env, alice.id, 'Busy', 'training', new Date());
  await postUpdate(env.app, callbackUpdate(`avatar_generate:${busy.id}`, 7, ALICE));
  t.equal(lastText(env), '⏳ Аватар «Busy» ещё не готов: сначала он должен обучиться.');
  await postUpdate(env.app, textUpdate('🎨 Генерация', ALICE));
  t.match(lastText(env), /^🎨 Для генерации нужен готовый аватар/, 'no main avatar');
  const broken = await seedAvatar(env, alice.id, 'Broken', 'completed', new Date());
  await env.deps.db.update(avatars).set({ diffusersLoraFileUrl: null }).where(eq(avatars.id, broken.id));
  await postUpdate(env.app, callbackUpdate(`avatar_generate:${broken.id}`, 7, ALICE));
  t.equal(lastText(env), '❌ У аватара «Broken» нет обученной модели. Запустите обучение ещё раз.');
  t.equal(env.fal.state.submissions.length, 0);
});

t.test('the main menu’s "🎨 Генерация" uses the main avatar', async (t) => {
  const env = await buildTestApp(t);
  const { alice, avatar } = await completedAvatar(env);
  await env.deps.db.update(users).set({ mainAvatarId: avatar.id }).where(eq(users.id, alice.id));
  await postUpdate(env.app, textUpdate('🎨 Генерация', ALICE));
  t.equal(lastText(env), '🖼 Выберите формат картинки с аватаром «Done»:');
});

t.test('prompts must be 1–1000 characters; a second generation waits for the first', async (t) => {
  const env = await buildTestApp(t);
  const { avatar } = await completedAvatar(env);
  await postUpdate(env.app, callbackUpdate(`avatar_generate:${avatar.id}`, 7, ALICE));
  const offer = lastCall(env, 'sendMessage')!;
  await postUpdate(env.app, callbackUpdate(`gen_format:${avatar.id}:cinema`, (offer.result as Message).message_id, ALICE));
  await postUpdate(env.app, textUpdate('x'.repeat(1001), ALICE));
  t.equal(lastText(env), '❌ Запрос должен быть текстом от 1 до 1000 символов — в этом 1001');
  await postUpdate(env.app, textUpdate('a lighthouse in a storm', ALICE));
  await env.deps.tasks.drain(10_000);
  t.equal(env.fal.state.submissions.length, 1);
  t.equal(env.fal.state.submissions[0]?.input.image_size, 'landscape_16_9');

  const again = await generateFrom(env, avatar.id, 'square', 'another one');
  t.equal(again, null, 'not submitted');
  t.equal(lastText(env), '⏳ Дождитесь окончания текущей генерации — я пришлю картинку, как только она будет готова.');

  const [running] = await env.deps.db.select().from(generations).where(eq(generations.status, 'running'));
  await deliver(env, running!.falRequestId!, await imagesOutput(env, ['done.jpg']));
  await env.deps.tasks.drain(10_000);
  t.ok(running!.progressMessageId, 'the "Генерирую…" message is remembered');
  t.ok(
    env.telegram.callsOf('deleteMessage').some((c) => c.payload.message_id === running!.progressMessageId),
    '"Генерирую…" is removed once the picture is sent',
  );
  // Nothing in flight now: two presses at once race for the one slot.
  const concurrent = await Promise.all([
    postUpdate(env.app, callbackUpdate(`gen_again:${running!.id}`, 9, ALICE)),
    postUpdate(env.app, callbackUpdate(`gen_again:${running!.id}`, 9, ALICE)),
  ]);
  t.same(
    concurrent.map((r) => r.statusCode),
    [200, 200],
  );
  const inFlight = await env.deps.db
    .select()
    .from(generations)
    .where(inArray(generations.status, ['pending', 'running']));
  t.equal(inFlight.length, 1, 'exactly one of two simultaneous requests is accepted');
  const messages = env.telegram.callsOf('sendMessage').length;
  await postUpdate(env.app, callbackUpdate(`gen_again:${running!.id}`, 9, ALICE));
  t.match(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload, { text: /^⏳ Дождитесь окончания/, show_alert: true });
  t.equal(env.telegram.callsOf('sendMessage').length, messages, 'a tap while one is drawing: a popup, no chat message');
});

t.test('an NSFW-flagged result is a plain message and stays out of the history', async (t) => {
  const env = await buildTestApp(t);
  const { avatar } = await completedAvatar(env);
  const submission = await generateFrom(env, avatar.id, 'portrait', 'something');
  await deliver(env, submission!.requestId, await imagesOutput(env, ['bad.jpg'], [true]));
  await env.deps.tasks.drain(10_000);
  t.equal(lastText(env), '🔞 Картинка не прошла проверку безопасности. Попробуйте изменить запрос.');
  const [generation] = await env.deps.db.select().from(generations).where(eq(generations.falRequestId, submission!.requestId));
  t.match(generation, { status: 'failed', error: 'flagged by the safety checker', storageKeys: [] });
  await postUpdate(env.app, callbackUpdate(`avatar_history:${avatar.id}`, 7, ALICE));
  t.notMatch(String(lastCall(env, 'editMessageText')?.payload.text), /something/);
});

t.test('several pictures arrive as one album', async (t) => {
  const env = await buildTestApp(t);
  const { avatar } = await completedAvatar(env);
  const submission = await generateFrom(env, avatar.id, 'portrait', 'twins');
  await deliver(env, submission!.requestId, await imagesOutput(env, ['a.jpg', 'b.jpg']));
  await env.deps.tasks.drain(10_000);
  const albums = env.telegram.callsOf('sendMediaGroup');
  t.equal(albums.length, 1);
  t.equal((albums[0]!.payload.media as unknown[]).length, 2);
  t.equal(lastText(env), '🎨 Готово! Аватар «Done»', 'followed by the buttons');
});

t.test('a lost generation webhook: the status checker completes it', async (t) => {
  const env = await buildTestApp(t);
  const { avatar } = await completedAvatar(env);
  const submission = await generateFrom(env, avatar.id, 'portrait', 'lost');
  env.fal.state.jobs.set(submission!.requestId, {
    status: 'COMPLETED',
    result: { status: 200, body: await imagesOutput(env, ['lost.jpg']) },
  });
  const check = await env.app.inject({
    method: 'POST',
    url: '/internal/check-status',
    headers: { authorization: `Bearer ${INTERNAL_TOKEN}` },
  });
  t.match(check.json(), { generationsCompleted: 1, notificationsSent: 1 });
  t.equal(env.telegram.callsOf('sendPhoto').filter((c) => c.payload.caption === '🎨 Готово! Аватар «Done»').length, 1);
});

t.test('a picture finished for an avatar deleted meanwhile is not sent, and not retried', async (t) => {
  const env = await buildTestApp(t);
  const { avatar } = await completedAvatar(env);
  const submission = await generateFrom(env, avatar.id, 'portrait', 'late');
  const output = await imagesOutput(env, ['late.jpg']);
  const { completeGeneration } = await import('../src/domain/generation/completion.js');
  const { normalizeGenerationOutput } = await import('../src/domain/generation/result.js');
  // Completed (the outbox row is written), then the avatar is deleted before the drain.
  await completeGeneration(env.deps.db, submission!.requestId, normalizeGenerationOutput(output));
  await env.deps.db.delete(avatars).where(eq(avatars.id, avatar.id));
  const result = await env.deps.notifier.drain();
  t.same(result, { sent: 0, retried: 0, dead: 1 });
  t.equal(env.telegram.callsOf('sendPhoto').length, 0);
});
