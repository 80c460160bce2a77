import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { simulatedPicture } from './sample-images.js';

/**
 * A local FAL for runs without FAL_KEY: storage upload, queue submit / status /
 * result / cancel, and webhooks signed with its own ED25519 key whose JWKS it
 * serves — so the app's production code paths, signature check included, run
 * against it. Trainings take `SIMULATED_TRAINING_SECONDS`; pictures are real
 * PNG files. `SIMULATED_FAILURE_RATE` fails jobs (and a prompt containing
 * "fail" always fails); `SIMULATED_WEBHOOK_DROP_RATE` loses webhooks so the
 * status checker's fallback shows.
 */

type Job = {
  id: string;
  modelId: string;
  status: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';
  /** The result as JSON text: a seed past 2^53 is written as FAL writes it, a bare number. */
  result?: { status: number; json: string };
  webhookUrl?: string | undefined;
  input: Record<string, unknown>;
  /** When the job finishes (ms since the epoch): a restart resumes it with the time left. */
  endsAt: number;
  timer?: NodeJS.Timeout;
};

/** JSON text of a result; `seed` given as a decimal string is written as a bare number, like FAL's 64-bit seeds. */
const resultJson = (body: unknown) => JSON.stringify(body).replace(/"seed":"(\d+)"/, '"seed":$1');

export type FalSimulatorOptions = {
  config: Pick<Config, 'dataDir' | 'fal' | 'publicUrl'> & { fal: { simulator: NonNullable<Config['fal']['simulator']> } };
  /** Public base of the simulator (what the app's FAL_BASE_URL points at). */
  base: string;
};

const GENERATION_SECONDS = 2;
/** Finished jobs kept (and saved) for their status and result URLs. */
const MAX_JOBS = 500;
/** The largest upload one file may be: 20 photos of 20 MB zipped, with room to spare. */
const UPLOAD_LIMIT_BYTES = 512 * 1024 * 1024;

/** Passes a stream through while it stays within `max` bytes; past that it fails with a 413. */
async function* within(source: AsyncIterable<Buffer>, max: number, already = 0): AsyncGenerator<Buffer> {
  let total = already;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > max) throw Object.assign(new Error(`uploads are limited to ${max} bytes`), { statusCode: 413 });
    yield chunk;
  }
}
/** How long a job waits in the queue, and a cancelled running job takes to stop. */
const QUEUE_MS = 1_000;

const isTrainer = (modelId: string) => /train/.test(modelId);

function sizeOf(input: Record<string, unknown>): [number, number] {
  const byName: Record<string, [number, number]> = {
    portrait_4_3: [768, 1024],
    square_hd: [1024, 1024],
    portrait_16_9: [576, 1024],
    landscape_16_9: [1024, 576],
  };
  const ratio: Record<string, [number, number]> = { '3:4': [768, 1024], '1:1': [1024, 1024], '9:16': [576, 1024], '16:9': [1024, 576] };
  return byName[String(input.image_size)] ?? ratio[String(input.aspect_ratio)] ?? [1024, 1024];
}

export const falSimulator: FastifyPluginAsync<FalSimulatorOptions> = async (app, { config, base }) => {
  const settings = config.fal.simulator;
  const dir = path.join(config.dataDir, 'fal-simulator');
  await mkdir(dir, { recursive: true });
  const key: KeyObject = generateKeyPairSync('ed25519').privateKey;
  const jobs = new Map<string, Job>();
  const jobsFile = path.join(dir, 'jobs.json');
  let saving = Promise.resolve();
  const saveJobs = () => {
    const snapshot = JSON.stringify([...jobs.values()].map(({ timer: _timer, ...job }) => job));
    saving = saving.then(() => writeFile(jobsFile, snapshot)).catch(() => {});
  };
  const fileOf = (id: string) => path.join(dir, id.replace(/[^\w.-]/g, '_'));
  const newId = () => randomBytes(8).toString('hex');

  app.addHook('onClose', async () => {
    for (const job of jobs.values()) clearTimeout(job.timer);
    await saving;
  });
  // Uploads stream to disk: a training zip can weigh hundreds of megabytes.
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.get('/.well-known/jwks.json', async () => ({
    keys: [{ ...createPublicKey(key).export({ format: 'jwk' }), kid: 'simulator', use: 'sig', alg: 'EdDSA' }],
  }));

  app.post('/rest.fal.ai/storage/upload/:kind', async (request, reply) => {
    const { file_name: name } = (request.body ?? {}) as { file_name?: string };
    const id = `${newId()}-${(name ?? 'upload').replace(/[^\w.-]/g, '_')}`;
    return reply.send({ upload_url: `${base}/uploads/${id}`, file_url: `${base}/files/${id}` });
  });

  /** Streams an upload to its file, refusing (and removing) one past the limit, announced or not. */
  async function receive(request: FastifyRequest, file: string, flags: 'w' | 'a'): Promise<void> {
    const already = flags === 'a' ? ((await stat(file).catch(() => null))?.size ?? 0) : 0;
    if (already + Number(request.headers['content-length'] ?? 0) > UPLOAD_LIMIT_BYTES) {
      throw Object.assign(new Error(`uploads are limited to ${UPLOAD_LIMIT_BYTES} bytes`), { statusCode: 413 });
    }
    try {
      await pipeline(request.body as Readable, (source) => within(source, UPLOAD_LIMIT_BYTES, already), createWriteStream(file, { flags }));
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
  }

  app.put('/uploads/:id', async (request) => {
    await receive(request, fileOf((request.params as { id: string }).id), 'w');
    return {};
  });
  // Multipart uploads (over 90 MB): parts arrive in order and are appended.
  app.put('/uploads/:id/:part', async (request) => {
    const { id, part } = request.params as { id: string; part: string };
    await receive(request, fileOf(id), 'a');
    return { partNumber: Number(part), etag: `etag-${part}` };
  });
  app.post('/uploads/:id/complete', async () => ({}));

  app.get('/files/:id', async (request, reply) => {
    const file = fileOf((request.params as { id: string }).id);
    const found = await stat(file).catch(() => null);
    if (!found) return reply.code(404).send({ detail: 'not found' });
    const type = file.endsWith('.jpg') ? 'image/jpeg' : file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return reply.type(type).header('content-length', found.size).send(createReadStream(file));
  });

  async function deliver(job: Job, webhookUrl: string): Promise<void> {
    const { status, json } = job.result!;
    const ok = status === 200;
    const envelope = { request_id: job.id, gateway_request_id: job.id, status: ok ? 'OK' : 'ERROR' };
    const body = ok
      ? `${JSON.stringify(envelope).slice(0, -1)},"payload":${json}}`
      : JSON.stringify({ ...envelope, payload: null, error: (JSON.parse(json) as { detail: string }).detail });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const hash = createHash('sha256').update(body).digest('hex');
    const signature = sign(null, Buffer.from(`${job.id}\nsimulator\n${timestamp}\n${hash}`), key).toString('hex');
    // FAL retries failed deliveries; a few tries with a pause are enough locally.
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-fal-webhook-request-id': job.id,
          'x-fal-webhook-user-id': 'simulator',
          'x-fal-webhook-timestamp': timestamp,
          'x-fal-webhook-signature': signature,
        },
        body,
      }).catch(() => null);
      if (response?.ok) return;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    app.log.warn({ fal_request_id: job.id }, 'simulator: webhook not accepted');
  }

  async function finish(job: Job, input: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const prompt = String(input.prompt ?? '');
    if (Math.random() < settings.failureRate || /fail/i.test(prompt)) {
      return { status: 422, body: { detail: 'Simulated failure' } };
    }
    if (isTrainer(job.modelId)) {
      if (/flux-pro-trainer/.test(job.modelId)) return { status: 200, body: { finetune_id: `sim-ft-${job.id}` } };
      const lora = `lora-${job.id}.safetensors`;
      const cfg = `config-${job.id}.json`;
      await pipeline(
        async function* () {
          yield randomBytes(1024);
        },
        createWriteStream(fileOf(lora)),
      );
      await pipeline(
        async function* () {
          yield JSON.stringify({ simulated: true, input });
        },
        createWriteStream(fileOf(cfg)),
      );
      return {
        status: 200,
        body: {
          diffusers_lora_file: { url: `${base}/files/${lora}`, content_type: null, file_name: null, file_size: 1024 },
          config_file: { url: `${base}/files/${cfg}`, content_type: 'application/json', file_name: 'config.json', file_size: null },
        },
      };
    }
    const [width, height] = sizeOf(input);
    const hue = createHash('sha256').update(prompt).digest();
    const name = `image-${job.id}.jpg`;
    const picture = await simulatedPicture(prompt, width, height);
    await pipeline(
      async function* () {
        yield picture;
      },
      createWriteStream(fileOf(name)),
    );
    return {
      status: 200,
      body: {
        images: [{ url: `${base}/files/${name}`, width, height, content_type: 'image/jpeg' }],
        seed: hue.readBigUInt64BE(4).toString(),
        has_nsfw_concepts: [false],
        prompt,
      },
    };
  }

  /** Completes a job with its result and delivers the webhook (unless it is dropped). */
  function end(job: Job, result: NonNullable<Job['result']>, sendWebhook: boolean): void {
    job.result = result;
    job.status = 'COMPLETED';
    saveJobs();
    if (job.webhookUrl && sendWebhook) {
      deliver(job, job.webhookUrl).catch((error: unknown) => app.log.error({ err: error }, 'simulator: webhook failed'));
    }
  }

  /** Runs a job to its end: a moment in the queue (its status answers 202), then in progress until `endsAt`. */
  function run(job: Job): void {
    setTimeout(() => {
      if (job.status === 'IN_QUEUE') job.status = 'IN_PROGRESS';
    }, QUEUE_MS).unref();
    job.timer = setTimeout(
      () => {
        void (async () => {
          const { status, body } = await finish(job, job.input);
          end(job, { status, json: resultJson(body) }, Math.random() >= settings.webhookDropRate);
        })().catch((error: unknown) => app.log.error({ err: error }, 'simulator: job failed'));
      },
      Math.max(0, job.endsAt - Date.now()),
    );
  }

  // Jobs outlive a restart of the playground: those still running are resumed with the time they had left.
  for (const job of (await readFile(jobsFile, 'utf8').then(JSON.parse, () => [])) as Job[]) {
    jobs.set(job.id, job);
    if (!job.result) run(job);
  }

  app.post('/queue.fal.run/*', async (request) => {
    const modelId = (request.params as { '*': string })['*'];
    const input = (request.body ?? {}) as Record<string, unknown>;
    const requested = (request.query as { fal_webhook?: string }).fal_webhook;
    // Webhooks go only to this app: the simulator is no way to make the server post anywhere else.
    const webhookUrl = requested?.startsWith(`${config.publicUrl}/webhooks/fal`) ? requested : undefined;
    if (requested && !webhookUrl) app.log.warn({ webhook: requested }, 'simulator: webhook outside PUBLIC_URL not called');
    const seconds = isTrainer(modelId) ? settings.trainingSeconds : GENERATION_SECONDS;
    const job: Job = { id: newId(), modelId, status: 'IN_QUEUE', webhookUrl, input, endsAt: Date.now() + seconds * 1000 };
    jobs.set(job.id, job);
    for (const [id, old] of jobs) {
      if (jobs.size <= MAX_JOBS) break;
      if (old.result) jobs.delete(id);
    }
    run(job);
    saveJobs();
    const [owner, alias] = modelId.split('/');
    const url = `${base}/queue.fal.run/${owner}/${alias}/requests/${job.id}`;
    return {
      status: 'IN_QUEUE',
      request_id: job.id,
      response_url: url,
      status_url: `${url}/status`,
      cancel_url: `${url}/cancel`,
      queue_position: 0,
    };
  });

  const jobOf = (request: { params: unknown }) => jobs.get((request.params as { id: string }).id);

  app.get('/queue.fal.run/:owner/:alias/requests/:id/status', async (request, reply) => {
    const job = jobOf(request);
    if (!job) return reply.code(404).send({ detail: 'Request not found' });
    // Like FAL: the place in the queue while queued; with `?logs=1`, the trainer's progress as log lines.
    const total = Number(job.input.steps ?? job.input.iterations ?? 1000) || 1000;
    const seconds = isTrainer(job.modelId) ? settings.trainingSeconds : GENERATION_SECONDS;
    const done = Math.min(1, Math.max(0, 1 - (job.endsAt - Date.now()) / (seconds * 1000)));
    const logs =
      (request.query as { logs?: string }).logs === '1' && job.status === 'IN_PROGRESS' && isTrainer(job.modelId)
        ? [{ message: `step ${Math.floor(done * total)}/${total}`, level: 'INFO', source: 'user', timestamp: new Date().toISOString() }]
        : undefined;
    return reply.code(job.status === 'IN_QUEUE' ? 202 : 200).send({
      status: job.status,
      request_id: job.id,
      ...(job.status === 'IN_QUEUE' ? { queue_position: 0 } : {}),
      ...(logs ? { logs } : {}),
    });
  });
  app.get('/queue.fal.run/:owner/:alias/requests/:id', async (request, reply) => {
    const job = jobOf(request);
    if (!job) return reply.code(404).send({ detail: 'Request not found' });
    if (!job.result) return reply.code(400).send({ detail: 'Request is still in progress' });
    return reply.code(job.result.status).type('application/json').send(job.result.json);
  });
  app.put('/queue.fal.run/:owner/:alias/requests/:id/cancel', async (request, reply) => {
    const job = jobOf(request);
    if (!job) return reply.code(404).send({ detail: 'Request not found' });
    if (job.status === 'COMPLETED') return reply.code(400).send({ status: 'ALREADY_COMPLETED' });
    // A cancel is a request: the job ends a moment later, and its webhook says so.
    clearTimeout(job.timer);
    const cancelled = { status: 400, json: JSON.stringify({ detail: 'Request was cancelled' }) };
    job.endsAt = Date.now() + (job.status === 'IN_QUEUE' ? 0 : QUEUE_MS);
    job.timer = setTimeout(() => end(job, cancelled, true), job.endsAt - Date.now());
    saveJobs();
    return reply.code(202).send({ status: 'CANCELLATION_REQUESTED' });
  });
};
