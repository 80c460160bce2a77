import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.js';
import { simulatorFiles } from './simulator/files.js';
import { isLlm, isTrainer, resultOf } from './simulator/results.js';
import { simulatorWebhooks } from './simulator/webhooks.js';

/**
 * A local FAL for runs without FAL_KEY: storage upload, queue submit / status /
 * result / cancel, and webhooks signed with its own ED25519 key whose JWKS it
 * serves — so the app's production code paths, signature check included, run
 * against it. Trainings take `SIMULATED_TRAINING_SECONDS`; pictures are real
 * JPEG files; `openrouter/router` (the prompt assistant's LLM) answers from a
 * phrase table (simulator/prompt-phrases.ts). `SIMULATED_FAILURE_RATE` fails jobs (and a prompt containing
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
/** How long the simulated LLM takes to rewrite a prompt. */
const LLM_SECONDS = 0.6;
/** Finished jobs kept (and saved) for their status and result URLs. */
const MAX_JOBS = 500;
/** How long a job waits in the queue, and a cancelled running job takes to stop. */
const QUEUE_MS = 1_000;

export const falSimulator: FastifyPluginAsync<FalSimulatorOptions> = async (app, { config, base }) => {
  const settings = config.fal.simulator;
  const dir = path.join(config.dataDir, 'fal-simulator');
  await mkdir(dir, { recursive: true });
  const jobs = new Map<string, Job>();
  const jobsFile = path.join(dir, 'jobs.json');
  let saving = Promise.resolve();
  const saveJobs = () => {
    const snapshot = JSON.stringify([...jobs.values()].map(({ timer: _timer, ...job }) => job));
    saving = saving.then(() => writeFile(jobsFile, snapshot)).catch(() => {});
  };
  const newId = () => randomBytes(8).toString('hex');
  const files = simulatorFiles(dir, base);
  const webhooks = simulatorWebhooks(app.log);
  files.routes(app, newId);
  webhooks.routes(app);

  app.addHook('onClose', async () => {
    for (const job of jobs.values()) clearTimeout(job.timer);
    await saving;
  });

  /** Completes a job with its result and delivers the webhook (unless it is dropped). */
  function end(job: Job, result: NonNullable<Job['result']>, sendWebhook: boolean): void {
    job.result = result;
    job.status = 'COMPLETED';
    saveJobs();
    if (job.webhookUrl && sendWebhook) {
      webhooks
        .deliver(job.id, result, job.webhookUrl)
        .catch((error: unknown) => app.log.error({ err: error }, 'simulator: webhook failed'));
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
          const { status, body } = await resultOf(files, job, settings.failureRate);
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
    const seconds = isTrainer(modelId) ? settings.trainingSeconds : isLlm(modelId) ? LLM_SECONDS : GENERATION_SECONDS;
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
    clearTimeout(job.timer);
    // As FAL does: a queued job is removed (no webhook; its status is then unknown), a running one
    // gets a signal — this simulated app honours it, ending a moment later with FAL's 499.
    if (job.status === 'IN_QUEUE') jobs.delete(job.id);
    else {
      const cancelled = { status: 499, json: JSON.stringify({ detail: 'Request cancelled by the client.' }) };
      job.endsAt = Date.now() + QUEUE_MS;
      job.timer = setTimeout(() => end(job, cancelled, true), QUEUE_MS);
    }
    saveJobs();
    return reply.code(202).send({ status: 'CANCELLATION_REQUESTED' });
  });
};
