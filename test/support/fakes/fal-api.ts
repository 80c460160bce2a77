import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { listen, RawJson, readBody, sendJson } from './http.js';

export { RawJson };

/**
 * A local FAL: serves a JWKS of its own ED25519 keys and signs webhook
 * deliveries exactly as FAL does (headers, message and ED25519 as FAL documents
 * them), so the app's real verification code runs against it. `jwksStatus`
 * makes the key endpoint fail. Like the real queue it answers a status with 202
 * while a job waits, has no FAILED status (a failed job is COMPLETED and its
 * result answers an error, runner errors as 503/504 with `error_type`), removes
 * a queued job on cancel (it is then unknown: 404), takes a cancel of a running
 * job only as a signal (it may finish, or end with 499), refuses one of a
 * finished job (ALREADY_COMPLETED), can lose a submit's answer after
 * queueing the job, and carries seeds past 2^63 (`RawJson` results).
 */

export type SignOptions = { requestId: string; userId?: string; timestamp?: number; key?: KeyObject };

export type FakeFal = Awaited<ReturnType<typeof startFakeFal>>;

export type Submission = {
  modelId: string;
  requestId: string;
  input: Record<string, unknown>;
  webhookUrl: string | null;
  authorization: string | undefined;
  /** The X-Fal-Object-Lifecycle-Preference header: how long FAL keeps the job's files. */
  lifecycle: string | undefined;
};

type Failure = { status: number; body: unknown };

export type Job = {
  status: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';
  /** What the result URL answers once COMPLETED. */
  result?: { status: number; body: unknown; headers?: Record<string, string> };
  /** The result URL answers only once this settles: FAL slow to hand a result over. */
  resultGate?: Promise<unknown>;
  /** A cancel was requested (a queued job is removed at once: its status and result then answer 404). */
  cancelled?: boolean;
  /**
   * What a running job does with the cancel signal: `ignore` it (the default: it runs on, and its
   * result comes), or `honour` it — it ends at once with FAL's 499 "Request cancelled by the client."
   */
  onCancel?: 'ignore' | 'honour';
  /** What the status answers besides the status: the place in the queue, and log lines (with `?logs=1`). */
  queuePosition?: number;
  logs?: string[];
};

/** A runner error as FAL's result URL answers it: a flat `{ detail, error_type }` and the same type in a header. */
export function runnerError(status: 503 | 504, errorType: string, detail: string): NonNullable<Job['result']> {
  return { status, body: { detail, error_type: errorType }, headers: { 'x-fal-error-type': errorType } };
}

/**
 * What the fake `openrouter/router` answers a prompt: the model's text, a result FAL's result URL
 * answers instead (an error), or `never` — the job stays in progress (a model that does not answer).
 */
type LlmReply = string | { status: number; body: unknown } | 'never';

export function newSigningKey(): KeyObject {
  return generateKeyPairSync('ed25519').privateKey;
}

/** The four X-Fal-Webhook-* headers FAL sends with a delivery of `body`. */
function signWebhook(body: string | Buffer, options: SignOptions & { key: KeyObject }): Record<string, string> {
  const userId = options.userId ?? 'fal-user-1';
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const message = Buffer.from(`${options.requestId}\n${userId}\n${timestamp}\n${bodyHash}`, 'utf8');
  return {
    'x-fal-webhook-request-id': options.requestId,
    'x-fal-webhook-user-id': userId,
    'x-fal-webhook-timestamp': timestamp,
    'x-fal-webhook-signature': sign(null, message, options.key).toString('hex'),
  };
}

export async function startFakeFal() {
  const state = {
    keys: [newSigningKey()],
    jwksRequests: 0,
    jwksStatus: 200,
    /** Delay before the JWKS answers: keeps a webhook request in flight. */
    jwksDelayMs: 0,
    /** Uploaded files by id, as PUT to the upload URL. */
    files: new Map<string, Buffer>(),
    /** Files on FAL's CDN by URL (https://v3.fal.media/files/…); any other CDN URL answers some bytes of its own. */
    cdnFiles: new Map<string, Buffer>(),
    /**
     * CDN URLs (or URLs of this fake's uploads) whose files expired: FAL deletes files when their retention
     * ends. They answer 404, and a generation naming one as its LoRA fails.
     */
    expiredFiles: new Set<string>(),
    /**
     * Huge files by id, streamed in 64 KB chunks with no content-length (a CDN may not say): `sent`
     * counts what went out before the reader hung up.
     */
    hugeFiles: new Map<string, { size: number; sent: number }>(),
    /** When false, uploads are only counted (benchmarks send hundreds of megabytes). */
    keepUploads: true,
    uploadedBytes: 0,
    submissions: [] as Submission[],
    /** Failures for the next queue submits, in order. */
    submitFailures: [] as Failure[],
    /**
     * What the next status calls answer instead of the status, in order (null: the status as usual).
     * FAL's status endpoint answers 429 and 5xx now and then during a long job (fal-js retries them).
     */
    statusFailures: [] as (Failure | null)[],
    /** How many next submits are queued but their answer lost (the connection drops before it is sent). */
    loseSubmitAnswers: 0,
    /** Queue jobs by request id: what status and result URLs answer. */
    jobs: new Map<string, Job>(),
    /** Every queue GET/PUT the fake answered, as `METHOD /path`. */
    queueRequests: [] as string[],
    /** Cancels are answered only once this settles: FAL slow to take a cancel. */
    cancelGate: undefined as Promise<unknown> | undefined,
    /**
     * `openrouter/router`, FAL's LLM endpoint: jobs complete on their own after `delayMs` with
     * `{ output, usage }` (or what `reply` returns instead). Its inputs are in `submissions` too.
     */
    llm: {
      delayMs: 0,
      reply: ((input) => `English: ${String(input.prompt)}`) as (input: Record<string, unknown>) => LlmReply,
    },
    /** Runs before a submit is answered: e.g. a webhook that beats the submit's answer. */
    onSubmit: undefined as ((submission: Submission) => Promise<void>) | undefined,
  };
  let nextId = 1;
  /** Whether a file URL of FAL's (its CDN, or an upload of this fake) would answer. */
  const servedFile = (url: string) =>
    !state.expiredFiles.has(url) && (!url.startsWith(`${server.url}/files/`) || state.files.has(url.slice(`${server.url}/files/`.length)));

  /** Completes an LLM job after the configured delay, as a model that takes that long. */
  function answerLlm(requestId: string, input: Record<string, unknown>) {
    const reply = state.llm.reply(input);
    if (reply === 'never') return;
    setTimeout(() => {
      const job = state.jobs.get(requestId);
      if (!job || job.status === 'COMPLETED') return;
      job.status = 'COMPLETED';
      job.result =
        typeof reply === 'string'
          ? { status: 200, body: { output: reply, usage: { prompt_tokens: 300, completion_tokens: 60, total_tokens: 360 } } }
          : reply;
    }, state.llm.delayMs).unref();
  }

  const server = await listen(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    if (request.method === 'GET' && url.pathname === '/.well-known/jwks.json') {
      state.jwksRequests += 1;
      if (state.jwksDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.jwksDelayMs));
      if (state.jwksStatus !== 200) return sendJson(response, state.jwksStatus, { detail: 'unavailable' });
      const keys = state.keys.map((key, i) => ({
        ...createPublicKey(key).export({ format: 'jwk' }),
        kid: `fake-${i}`,
        use: 'sig',
        alg: 'EdDSA',
      }));
      return sendJson(response, 200, { keys });
    }
    // The app's FAL client rewrites https://<host>/<path> to <base>/<host>/<path>.
    const [, host, ...rest] = url.pathname.split('/');
    const route = `/${rest.join('/')}`;

    if (request.method === 'POST' && host === 'rest.fal.ai' && /^\/storage\/upload\/initiate(-multipart)?$/.test(route)) {
      const body = JSON.parse((await readBody(request)).toString('utf8')) as { file_name?: string };
      const id = `file-${nextId++}-${body.file_name ?? 'upload'}`;
      return sendJson(response, 200, { upload_url: `${server.url}/uploads/${id}`, file_url: `${server.url}/files/${id}` });
    }
    // Multipart uploads (over 90 MB): PUT <upload_url>/<part>, then POST <upload_url>/complete.
    if (host === 'uploads' && rest.length === 2) {
      if (request.method === 'POST' && rest[1] === 'complete') return sendJson(response, 200, {});
      for await (const chunk of request) state.uploadedBytes += (chunk as Buffer).length;
      return sendJson(response, 200, { partNumber: Number(rest[1]), etag: `etag-${rest[1]}` });
    }
    if (request.method === 'PUT' && host === 'uploads') {
      if (state.keepUploads) {
        const bytes = await readBody(request);
        state.uploadedBytes += bytes.length;
        state.files.set(rest.join('/'), bytes);
      } else {
        for await (const chunk of request) state.uploadedBytes += (chunk as Buffer).length;
      }
      return sendJson(response, 200, {});
    }
    const cdn = request.method === 'GET' && /(^|\.)fal\.media$/.test(host ?? '') ? `https://${host}${route}` : undefined;
    if (cdn !== undefined) {
      if (state.expiredFiles.has(cdn)) return sendJson(response, 404, { detail: 'File not found' });
      const file = state.cdnFiles.get(cdn) ?? Buffer.from(`fake file ${cdn}`);
      const body = request.headers.range === 'bytes=0-0' ? file.subarray(0, 1) : file;
      response.writeHead(body === file ? 200 : 206, { 'content-length': body.length });
      response.end(body);
      return;
    }
    const huge = request.method === 'GET' && host === 'files' ? state.hugeFiles.get(rest.join('/')) : undefined;
    if (huge) {
      response.writeHead(200, { 'content-type': 'image/png' });
      const chunk = Buffer.alloc(64 * 1024);
      while (huge.sent < huge.size && !response.destroyed) {
        if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve).once('close', resolve));
        huge.sent += chunk.length;
      }
      response.end();
      return;
    }
    if (request.method === 'GET' && host === 'files') {
      const file = state.expiredFiles.has(`${server.url}/files/${rest.join('/')}`) ? undefined : state.files.get(rest.join('/'));
      if (!file) return sendJson(response, 404, { detail: 'not found' });
      response.writeHead(200, { 'content-length': file.length });
      response.end(file);
      return;
    }
    const job = /^\/[^/]+\/[^/]+\/requests\/([^/]+)(\/status|\/cancel)?$/.exec(route);
    if (host === 'queue.fal.run' && job && (request.method === 'GET' || request.method === 'PUT')) {
      state.queueRequests.push(`${request.method} ${route}`);
      const known = state.jobs.get(job[1]!);
      if (!known) return sendJson(response, 404, { detail: 'Request not found' });
      if (job[2] === '/cancel') {
        await state.cancelGate;
        if (known.status === 'COMPLETED') return sendJson(response, 400, { status: 'ALREADY_COMPLETED' });
        known.cancelled = true;
        // Queued: removed from the queue, and no webhook comes (FAL's docs say nothing of one).
        if (known.status === 'IN_QUEUE') state.jobs.delete(job[1]!);
        else if (known.onCancel === 'honour') {
          known.status = 'COMPLETED';
          known.result = { status: 499, body: { detail: 'Request cancelled by the client.' } };
        }
        return sendJson(response, 202, { status: 'CANCELLATION_REQUESTED' });
      }
      if (job[2] === '/status') {
        const failure = state.statusFailures.shift();
        if (failure) return sendJson(response, failure.status, failure.body);
        const withLogs = url.searchParams.get('logs') === '1' && known.logs;
        return sendJson(response, known.status === 'IN_QUEUE' ? 202 : 200, {
          status: known.status,
          request_id: job[1],
          ...(known.queuePosition !== undefined ? { queue_position: known.queuePosition } : {}),
          ...(withLogs
            ? { logs: known.logs!.map((message) => ({ message, level: 'INFO', source: 'user', timestamp: new Date().toISOString() })) }
            : {}),
        });
      }
      if (known.status !== 'COMPLETED' || !known.result) return sendJson(response, 400, { detail: 'Request is still in progress' });
      await known.resultGate;
      return sendJson(response, known.result.status, known.result.body, known.result.headers);
    }
    if (request.method === 'POST' && host === 'queue.fal.run') {
      const input = JSON.parse((await readBody(request)).toString('utf8')) as Record<string, unknown>;
      const failure = state.submitFailures.shift();
      if (failure) return sendJson(response, failure.status, failure.body);
      const modelId = route.slice(1);
      const requestId = `req-${nextId++}`;
      const [owner, alias] = modelId.split('/');
      const submission = {
        modelId,
        requestId,
        input,
        webhookUrl: url.searchParams.get('fal_webhook'),
        authorization: request.headers.authorization,
        lifecycle: request.headers['x-fal-object-lifecycle-preference'] as string | undefined,
      };
      state.submissions.push(submission);
      // A LoRA that does not answer fails the job when FAL's runner fetches it, as FAL does.
      const loras = (input.loras as { path?: string }[] | undefined) ?? [];
      const missing = loras.map((l) => String(l.path)).find((p) => !servedFile(p));
      state.jobs.set(
        requestId,
        missing
          ? {
              status: 'COMPLETED',
              result: {
                status: 422,
                body: { detail: [{ loc: ['body', 'loras', 0, 'path'], msg: `File not found: ${missing}`, type: 'file_download_error' }] },
              },
            }
          : { status: 'IN_PROGRESS' },
      );
      if (modelId === 'openrouter/router') answerLlm(requestId, input);
      await state.onSubmit?.(submission);
      if (state.loseSubmitAnswers > 0) {
        state.loseSubmitAnswers -= 1;
        response.socket?.destroy();
        return;
      }
      const base = `${server.url}/queue.fal.run/${owner}/${alias}/requests/${requestId}`;
      return sendJson(response, 200, {
        status: 'IN_QUEUE',
        request_id: requestId,
        response_url: base,
        status_url: `${base}/status`,
        cancel_url: `${base}/cancel`,
        queue_position: 0,
      });
    }
    sendJson(response, 404, { detail: `no route ${request.method} ${url.pathname}` });
  });

  return {
    url: server.url,
    jwksUrl: `${server.url}/.well-known/jwks.json`,
    state,
    /** Resolves with the `n`-th submission (1-based) once it has arrived. */
    async waitForSubmission(n = 1, timeoutMs = 10_000): Promise<Submission> {
      const deadline = Date.now() + timeoutMs;
      while (state.submissions.length < n) {
        if (Date.now() > deadline) throw new Error(`submission ${n} did not arrive within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return state.submissions[n - 1] as Submission;
    },
    /** The bytes behind a file URL the fake handed out. */
    fileAt(fileUrl: string): Buffer | undefined {
      return state.files.get(fileUrl.split('/files/')[1] ?? '');
    },
    /** Signs with the fake's current first key unless another key is given. */
    sign: (body: string | Buffer, options: SignOptions) =>
      signWebhook(body, { ...options, key: options.key ?? (state.keys[0] as KeyObject) }),
    close: server.close,
  };
}
