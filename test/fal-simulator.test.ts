import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import t from 'tap';
import { avatars, generations } from '../src/db/schema.js';
import { ALICE, buildSimulatedApp, callbackUpdate, INTERNAL_TOKEN, postUpdate, type TestEnv, textUpdate } from './support/helper.js';
import { type Message, startWizard, uploadPhotos } from './support/wizard-driver.js';

async function trainedAvatar(env: TestEnv, name: string) {
  const { avatarId, progressMessageId } = await startWizard(env, ALICE, 'portrait', name);
  await uploadPhotos(env, ALICE, 10, name);
  await postUpdate(env.app, callbackUpdate(`avatar_photos_ready:${avatarId}`, progressMessageId, ALICE));
  await postUpdate(env.app, callbackUpdate(`avatar_train:${avatarId}`, progressMessageId, ALICE));
  return avatarId;
}

t.test('without FAL_KEY the simulator trains and draws, and its signed webhooks pass the real check', async (t) => {
  const env = await buildSimulatedApp(t);
  t.equal(env.config.fal.webhookJwksUrl, `${env.config.fal.baseUrl}/.well-known/jwks.json`);
  const avatarId = await trainedAvatar(env, 'Simulated');
  const review = env.telegram.callsOf('editMessageText').find((c) => String(c.payload.text).startsWith('🦋'));
  t.match(review?.payload.text, '⏱ Ожидаемое время: 1 с\n', "the estimate is the simulator's own time, not the preset's");
  const started = await env.telegram.waitFor('editMessageText', (p) => String(p.text).startsWith('⏳ Обучение началось!'), 15_000);
  t.match(started.payload.text, 'будет готов примерно через 1 с.');
  const ready = await env.telegram.waitFor('sendMessage', (p) => String(p.text).startsWith('✅ Аватар «Simulated» готов!'), 15_000);
  t.ok(ready);
  const [avatar] = await env.deps.db.select().from(avatars).where(eq(avatars.id, avatarId));
  t.match(avatar, { status: 'completed', diffusersLoraFileUrl: new RegExp(`^${env.config.fal.baseUrl}/files/lora-`) });
  t.match(env.logs.text, /"msg":"FAL event applied"/, 'completed through the signed webhook');

  await postUpdate(env.app, callbackUpdate(`avatar_generate:${avatarId}`, 1, ALICE));
  const offer = env.telegram.callsOf('sendMessage').at(-1)!;
  await postUpdate(env.app, callbackUpdate(`gen_format:${avatarId}:square`, (offer.result as Message).message_id, ALICE));
  await postUpdate(env.app, textUpdate('a castle on a hill', ALICE));
  const picture = await env.telegram.waitFor('sendPhoto', (p) => p.caption === '🎨 Готово! Аватар «Simulated»', 15_000);
  t.match(picture.payload.photo, { size: Number }, 'a real picture file, uploaded from storage');
  const [generation] = await env.deps.db.select().from(generations);
  t.equal(generation?.status, 'completed');
  t.match(generation?.seed, /^\d{1,20}$/, 'a 64-bit seed, as FAL sends them, kept exactly');
  t.ok(BigInt(generation!.seed!) > 2n ** 53n, 'past what a JavaScript number holds');
  const stored = await env.deps.storage.get(generation!.storageKeys[0]!);
  const head: Buffer[] = [];
  for await (const chunk of stored!) head.push(chunk as Buffer);
  const meta = await sharp(Buffer.concat(head)).metadata();
  t.match(meta, { format: 'jpeg', width: 1024, height: 1024 }, 'a picture of the asked format (square)');
});

t.test('failures can be provoked, and dropped webhooks are completed by the status check', async (t) => {
  const env = await buildSimulatedApp(t, { env: { SIMULATED_WEBHOOK_DROP_RATE: '1' } });
  const avatarId = await trainedAvatar(env, 'Dropped');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const [before] = await env.deps.db.select().from(avatars).where(eq(avatars.id, avatarId));
  t.equal(before?.status, 'training', 'the webhook was dropped');
  const check = await env.app.inject({
    method: 'POST',
    url: '/internal/check-status',
    headers: { authorization: `Bearer ${INTERNAL_TOKEN}` },
  });
  t.match(check.json(), { completed: 1 });
  await env.telegram.waitFor('sendMessage', (p) => String(p.text).startsWith('✅ Аватар «Dropped» готов!'));

  await postUpdate(env.app, callbackUpdate(`avatar_generate:${avatarId}`, 1, ALICE));
  const offer = env.telegram.callsOf('sendMessage').at(-1)!;
  await postUpdate(env.app, callbackUpdate(`gen_format:${avatarId}:square`, (offer.result as Message).message_id, ALICE));
  await postUpdate(env.app, textUpdate('please fail this one', ALICE));
  await new Promise((resolve) => setTimeout(resolve, 2500));
  await env.app.inject({ method: 'POST', url: '/internal/check-status', headers: { authorization: `Bearer ${INTERNAL_TOKEN}` } });
  await env.telegram.waitFor('sendMessage', (p) => String(p.text).startsWith('❌ Не удалось сгенерировать картинку'));
});

t.test('the simulator cancels as FAL does: a queued job is removed, a running one ends with 499', async (t) => {
  const env = await buildSimulatedApp(t, { env: { SIMULATED_TRAINING_SECONDS: '30' } });
  const base = env.config.fal.baseUrl!;
  const submit = async () =>
    (await (
      await fetch(`${base}/queue.fal.run/fal-ai/flux-lora-portrait-trainer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ trigger_phrase: 'TOK_1' }),
      })
    ).json()) as { status_url: string; response_url: string; cancel_url: string };
  const cancel = (job: { cancel_url: string }) => fetch(job.cancel_url, { method: 'PUT' });

  const queued = await submit();
  const removed = await cancel(queued);
  t.equal(removed.status, 202);
  t.same(await removed.json(), { status: 'CANCELLATION_REQUESTED' });
  t.equal((await fetch(queued.status_url)).status, 404, 'removed from the queue: FAL no longer knows it');

  const running = await submit();
  await new Promise((resolve) => setTimeout(resolve, 1_200)); // past its moment in the queue
  t.equal((await cancel(running)).status, 202);
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  const result = await fetch(running.response_url);
  t.equal(result.status, 499);
  t.same(await result.json(), { detail: 'Request cancelled by the client.' });
  t.equal((await cancel(running)).status, 400, 'then it is finished: ALREADY_COMPLETED');
});

t.test('production refuses to simulate FAL', async (t) => {
  const { loadConfig, ConfigError } = await import('../src/config.js');
  t.throws(() => loadConfig({ NODE_ENV: 'production', INTERNAL_API_TOKEN: 'x'.repeat(20) }), ConfigError);
  t.equal(loadConfig({ FAL_KEY: 'k' }).fal.simulator, undefined);
  t.equal(loadConfig({ FAL_KEY: 'k' }).fal.webhookJwksUrl, 'https://rest.fal.ai/.well-known/jwks.json');
});
