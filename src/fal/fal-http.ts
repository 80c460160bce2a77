import type { Config } from '../config.js';
import { rewriteFalUrl } from './fal-client.js';
import { parseFalJson } from './fal-json.js';

/** An HTTP answer of FAL's; `errorType` is FAL's category of an infrastructure error (`runner_disconnected`, …). */
export type FalAnswer = { status: number; body: unknown; errorType: string | null };

/**
 * Plain authenticated requests to FAL's queue: the submit, and the URLs FAL
 * handed us at submit (status_url, response_url, cancel_url), used as they are,
 * never rebuilt from the model id. One attempt each — `@fal-ai/client` retries
 * a submit whose answer was lost, which would start a second paid job; the
 * status checker is our retry loop. Throws only when no HTTP answer came back.
 */
export type FalHttp = {
  get(url: string): Promise<FalAnswer>;
  put(url: string): Promise<FalAnswer>;
  post(url: string, json: unknown): Promise<FalAnswer>;
};

const KEEP_FILES = JSON.stringify({ expiration_duration_seconds: null });

export function createFalHttp(config: Pick<Config, 'fal'>, timeoutMs = 10_000): FalHttp {
  const request = async (method: 'GET' | 'PUT' | 'POST', url: string, json?: unknown): Promise<FalAnswer> => {
    const target = rewriteFalUrl(url, config.fal.baseUrl);
    const response = await fetch(target, {
      method,
      headers: {
        authorization: `Key ${config.fal.key ?? 'local-simulator'}`,
        accept: 'application/json',
        // A submit asks FAL to keep the job's files (a LoRA, pictures): its CDN deletes them when their retention ends.
        ...(json === undefined ? {} : { 'content-type': 'application/json', 'x-fal-object-lifecycle-preference': KEEP_FILES }),
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = parseFalJson(text);
    } catch {
      // Not JSON (an HTML error page): keep the text for the reason.
    }
    const bodyType = (body as { error_type?: unknown } | null)?.error_type;
    const errorType = response.headers.get('x-fal-error-type') ?? (typeof bodyType === 'string' ? bodyType : null);
    return { status: response.status, body, errorType };
  };
  return { get: (url) => request('GET', url), put: (url) => request('PUT', url), post: (url, json) => request('POST', url, json) };
}

const MAX_IMAGE_BYTES = 30 * 1024 * 1024;

/**
 * Downloads a generated picture from FAL's CDN (through FAL_BASE_URL when set), counting while it
 * streams: a body past the limit is dropped there, declared or not, never read whole into memory.
 */
export function createFalImageFetcher(config: Pick<Config, 'fal'>) {
  return async (url: string): Promise<Buffer> => {
    const response = await fetch(rewriteFalUrl(url, config.fal.baseUrl), { signal: AbortSignal.timeout(60_000) });
    if (!response.ok || !response.body) throw new Error(`image download answered HTTP ${response.status}`);
    const tooLarge = () => new Error(`image is over ${MAX_IMAGE_BYTES} bytes`);
    if (Number(response.headers.get('content-length') ?? 0) > MAX_IMAGE_BYTES) {
      await response.body.cancel();
      throw tooLarge();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    // Leaving the loop by a throw cancels the stream: the rest is never downloaded.
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > MAX_IMAGE_BYTES) throw tooLarge();
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size);
  };
}
