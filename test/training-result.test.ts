import { readFile } from 'node:fs/promises';
import t from 'tap';
import { normalizeTrainingOutput, normalizeTrainingWebhook } from '../src/domain/training/result.js';

const seed = JSON.parse(await readFile(new URL('./support/fixtures/seed-portrait-result.json', import.meta.url), 'utf8')) as unknown;

t.test('the seed’s portrait result is a LoRA, not an id (the post-mortem’s second bug)', async (t) => {
  t.same(normalizeTrainingOutput(seed), {
    kind: 'lora',
    loraUrl: 'https://v3.fal.media/files/rabbit/P4wKAPkCKy7_5vrzgCSoP_pytorch_lora_weights.safetensors',
    configUrl: 'https://v3.fal.media/files/monkey/dSOeW22RjEUnqdmjOukAu_config.json',
    raw: seed,
  });
});

t.test('the same result inside a webhook keeps the whole delivery as raw', async (t) => {
  const body = { request_id: 'r1', gateway_request_id: 'g1', status: 'OK', payload: seed };
  const outcome = normalizeTrainingWebhook(body);
  t.equal(outcome.kind, 'lora');
  t.same(outcome.raw, body);
});

t.test('the pro trainer’s finetune_id', async (t) => {
  t.same(normalizeTrainingOutput({ finetune_id: 'ft-123' }), { kind: 'finetune', finetuneId: 'ft-123', raw: { finetune_id: 'ft-123' } });
  t.match(normalizeTrainingWebhook({ request_id: 'r', status: 'OK', payload: { finetune_id: ' ft-9 ' } }), {
    kind: 'finetune',
    finetuneId: 'ft-9',
  });
});

t.test('a LoRA without a config file is still a LoRA', async (t) => {
  t.match(normalizeTrainingOutput({ diffusers_lora_file: { url: 'https://x/l.safetensors' } }), { kind: 'lora', configUrl: null });
});

t.test('error webhooks are failures with FAL’s explanation', async (t) => {
  const table: [unknown, RegExp][] = [
    [{ request_id: 'r', status: 'ERROR', payload: null, error: 'Invalid zip archive' }, /^FAL reported ERROR: Invalid zip archive$/],
    [{ request_id: 'r', status: 'ERROR', payload: null, payload_error: 'CUDA out of memory' }, /CUDA out of memory/],
    [{ request_id: 'r', status: 'ERROR', payload: null, payload_error: [{ loc: ['body', 'steps'], msg: 'too big' }] }, /too big/],
    [{ request_id: 'r', status: 'ERROR' }, /^FAL reported ERROR$/],
    [{ request_id: 'r' }, /^FAL reported no status$/],
  ];
  for (const [body, reason] of table) {
    const outcome = normalizeTrainingWebhook(body);
    t.match(outcome, { kind: 'failed', code: 'provider_error', reason }, JSON.stringify(body));
    t.same(outcome.raw, body, 'the raw body is kept');
  }
});

t.test('malformed payloads are failures with a reason, never a crash', async (t) => {
  const table: [unknown, RegExp][] = [
    [null, /null, not an object/],
    ['{"diffusers_lora_file": {}}', /string, not an object/],
    [[seed], /not an object/],
    [{}, /neither diffusers_lora_file nor finetune_id/],
    [{ diffusers_lora_file: null }, /diffusers_lora_file.url is missing/],
    [{ diffusers_lora_file: { url: 42 } }, /diffusers_lora_file.url is missing/],
    [{ diffusers_lora_file: { url: 'not a url' } }, /not a URL/],
    [{ diffusers_lora_file: { url: 'javascript:alert(1)' } }, /not a URL/],
    [{ finetune_id: '' }, /finetune_id is not a non-empty string/],
    [{ finetune_id: 12 }, /finetune_id is not a non-empty string/],
    [{ finetune_id: { id: 'x' } }, /finetune_id is not a non-empty string/],
  ];
  for (const [output, reason] of table) {
    t.match(normalizeTrainingOutput(output), { kind: 'failed', code: 'invalid_result', reason }, JSON.stringify(output));
  }
  for (const body of [null, 'OK', 7, { status: 'OK' }, { status: 'OK', payload: 'x' }]) {
    t.match(normalizeTrainingWebhook(body), { kind: 'failed' }, JSON.stringify(body));
  }
});
