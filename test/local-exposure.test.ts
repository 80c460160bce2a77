import { once } from 'node:events';
import { createServer } from 'node:http';
import t, { type Test } from 'tap';
import { buildSimulatedApp, freePort } from './support/helper.js';

/** The development tools (playground, FAL simulator) must not become a way into other machines. */

/** A server that only counts who reaches it: what a request forgery would hit. */
async function bystander(t: Test) {
  let hits = 0;
  const server = createServer((_request, response) => {
    hits += 1;
    response.end('secret');
  });
  server.listen(await freePort(), '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/internal`, hits: () => hits };
}

t.test('the playground’s Bot API does not fetch arbitrary URLs', async (t) => {
  const env = await buildSimulatedApp(t, { playground: true });
  const target = await bystander(t);
  const res = await fetch(`${env.base}/__playground/bot0:playground/sendPhoto`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ chat_id: 1, photo: target.url }),
  });
  t.equal(res.status, 400);
  t.equal(target.hits(), 0, 'nothing was fetched');
});

t.test('the FAL simulator calls webhooks of this app only', async (t) => {
  const env = await buildSimulatedApp(t);
  const target = await bystander(t);
  const submit = await fetch(`${env.base}/__fal/queue.fal.run/fal-ai/flux-lora?fal_webhook=${encodeURIComponent(target.url)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'x' }),
  });
  t.equal(submit.status, 200);
  await new Promise((resolve) => setTimeout(resolve, 3_500));
  t.equal(target.hits(), 0, 'no webhook went elsewhere');
  t.match(env.logs.text, /webhook outside PUBLIC_URL not called/);
});

t.test('the playground’s Bot API refuses what Telegram refuses: texts over 4096, captions over 1024 characters', async (t) => {
  const env = await buildSimulatedApp(t, { playground: true });
  const call = async (method: string, body: Record<string, unknown>) => {
    const res = await fetch(`${env.base}/__playground/bot0:playground/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: 1, ...body }),
    });
    return { status: res.status, body: (await res.json()) as { ok: boolean; description?: string } };
  };
  t.match(await call('sendMessage', { text: 'я'.repeat(4096) }), { status: 200, body: { ok: true } }, '4096 characters pass');
  t.match(await call('sendMessage', { text: 'я'.repeat(4097) }), {
    status: 400,
    body: { ok: false, description: 'Bad Request: message is too long' },
  });
  t.match(await call('sendMessage', { text: ' ' }), { status: 400, body: { description: 'Bad Request: message text is empty' } });
  const sent = await call('sendMessage', { text: 'short' });
  const messageId = (sent.body as unknown as { result: { message_id: number } }).result.message_id;
  t.match(await call('editMessageText', { message_id: messageId, text: 'x'.repeat(4097) }), { status: 400 });
  t.match(await call('sendMediaGroup', { media: [{ type: 'photo', media: 'nope', caption: 'x'.repeat(1025) }] }), {
    status: 400,
    body: { description: 'Bad Request: message caption is too long' },
  });
});
