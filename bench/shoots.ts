import { readCatalog, seedCatalog } from '../src/domain/sets/catalog.js';
import { jpeg } from '../test/support/fixtures/images.js';
import { completedMainAvatar, report, SECRET, startApp } from './support.js';

const PICTURES = 20;
const until = async (done: () => boolean, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now();
};

/**
 * A 20-picture photo shoot: from the tap to all twenty submits at FAL, and
 * from FAL's last webhook to the last album in the chat.
 */
export async function photoShoot(adminUrl: string, dataDir: string) {
  const section = 'photo shoot';
  const env = await startApp(adminUrl, 'bench_shoots', dataDir);
  const themes = await readCatalog();
  const big = { ...themes.find((s) => s.id === 'business')!, id: 'bench', title: { ru: 'Бенч', en: 'Bench' } };
  big.prompts = Array.from({ length: PICTURES }, (_, i) => `business portrait number ${i + 1}`);
  await seedCatalog(env.deps.db, [...themes, big]);
  await env.deps.bot.telegram.getMe().catch(() => {});
  const from = { id: 9600, is_bot: false, first_name: 'Shoot', language_code: 'ru' };
  let updateId = 9_000_000;
  const post = async (body: object) => {
    const res = await fetch(`${env.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify({ update_id: updateId++, ...body }),
    });
    await res.arrayBuffer();
  };
  await post({ message: { message_id: 1, date: 1_790_000_000, chat: { id: from.id, type: 'private' }, from, text: '/start' } });
  const avatar = await completedMainAvatar(env, from.id);

  const submits = () => env.fal.state.submissions.filter((s) => s.modelId === 'fal-ai/flux-lora');
  const t0 = performance.now();
  await post({
    callback_query: {
      id: 'bench-tap',
      from,
      chat_instance: 'bench',
      data: `shoot_go:${avatar.id}:bench`,
      message: { message_id: 77, date: 1_790_000_000, chat: { id: from.id, type: 'private' }, text: 'confirm' },
    },
  });
  const submitted = await until(() => submits().length >= PICTURES);
  report(section, `tap → ${PICTURES} pictures submitted to FAL`, `${(submitted - t0).toFixed(0)} ms`, 'target ≤ 2000 ms');

  for (const [i, s] of submits().entries()) {
    const name = `bench-${i}.jpg`;
    env.fal.state.files.set(name, await jpeg(768, 1024, name));
    const raw = JSON.stringify({
      request_id: s.requestId,
      gateway_request_id: s.requestId,
      status: 'OK',
      payload: { images: [{ url: `${env.fal.url}/files/${name}`, width: 768, height: 1024 }], seed: i, has_nsfw_concepts: [false] },
    });
    const res = await fetch(`${env.url}/webhooks/fal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...env.fal.sign(raw, { requestId: s.requestId }) },
      body: raw,
    });
    await res.arrayBuffer();
  }
  const lastWebhook = performance.now();
  const albums = () => env.telegram.callsOf('sendMediaGroup').filter((c) => c.result !== undefined);
  const delivered = await until(() => albums().length >= 2);
  report(
    section,
    'last webhook → last album in the chat',
    `${(delivered - lastWebhook).toFixed(0)} ms`,
    `${albums().length} albums of ${albums()
      .map((c) => (c.payload.media as unknown[]).length)
      .join(' + ')}; target ≤ 2000 ms, ≤ 2 albums`,
  );
  await env.deps.tasks.drain(10_000);
  await env.close();
}
