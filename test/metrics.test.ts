import t from 'tap';
import { ALICE, buildTestApp, deliverFalWebhook, INTERNAL_TOKEN, postUpdate, textUpdate } from './support/helper.js';
import { seedAvatar, userOf } from './support/seed.js';

/** GET /metrics: Prometheus text behind a bearer token, with what an operator on call looks at. */

t.test('/metrics is closed without the token and tells how the service is doing with it', async (t) => {
  const env = await buildTestApp(t, { METRICS_TOKEN: 'metrics-token-for-the-tests' });
  const scrape = (token?: string) =>
    env.app.inject({ method: 'GET', url: '/metrics', headers: token ? { authorization: `Bearer ${token}` } : {} });
  t.equal((await scrape()).statusCode, 401);
  t.equal((await scrape(INTERNAL_TOKEN)).statusCode, 401, 'METRICS_TOKEN, when set, is the only key');
  t.same((await scrape('nope')).json(), { error: 'Unauthorized', message: 'missing or wrong bearer token' });

  const alice = await userOf(env, ALICE);
  await postUpdate(env.app, textUpdate('/help'));
  const help = textUpdate('/help');
  await postUpdate(env.app, help);
  await postUpdate(env.app, help);
  await seedAvatar(env, alice.id, 'Run', 'training', new Date());
  await seedAvatar(env, alice.id, 'Done', 'completed', new Date());
  const body = {
    request_id: 'req-Run',
    status: 'OK',
    payload: { diffusers_lora_file: { url: 'https://v3.fal.media/files/x/l.safetensors' } },
  };
  await deliverFalWebhook(env, 'req-Run', body);
  await deliverFalWebhook(env, 'req-Run', body);
  await env.app.inject({ method: 'POST', url: '/webhooks/fal', headers: { 'content-type': 'application/json' }, payload: '{}' });
  await env.app.inject({ method: 'POST', url: '/internal/check-status', headers: { authorization: `Bearer ${INTERNAL_TOKEN}` } });
  await env.deps.tasks.drain(10_000);

  const res = await scrape('metrics-token-for-the-tests');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], 'text/plain');
  const text = res.body;
  t.match(text, /avatar_bot_http_request_duration_seconds_count\{method="POST",route="\/telegram\/webhook",status_code="200"\} 4/);
  t.match(text, /avatar_bot_telegram_updates_total\{outcome="handled"\} 3/);
  t.match(text, /avatar_bot_telegram_updates_total\{outcome="duplicate"\} 1/);
  t.match(text, /avatar_bot_fal_webhooks_total\{outcome="stored"\} 1/);
  t.match(text, /avatar_bot_fal_event_applications_total\{outcome="applied"\} 1/);
  t.match(text, /avatar_bot_fal_webhooks_total\{outcome="duplicate"\} 1/, 'the redelivery was counted, not applied again');
  t.match(text, /avatar_bot_fal_webhooks_total\{outcome="rejected"\} 1/, 'the unsigned one');
  t.match(text, /avatar_bot_avatars\{status="completed"\} 2/);
  t.match(text, /avatar_bot_outbox_backlog \d+/);
  t.match(text, /avatar_bot_outbox_oldest_unsent_seconds \d/);
  t.match(text, /avatar_bot_status_check_duration_seconds_count 1/);
  t.match(text, /avatar_bot_process_resident_memory_bytes \d+/);
});
