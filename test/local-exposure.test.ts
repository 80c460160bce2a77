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
