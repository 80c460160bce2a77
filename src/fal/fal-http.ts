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

export function createFalHttp(config: Pick<Config, 'fal'>, timeoutMs = 10_000): FalHttp {
  const request = async (method: 'GET' | 'PUT' | 'POST', url: string, json?: unknown): Promise<FalAnswer> => {
    const target = rewriteFalUrl(url, config.fal.baseUrl);
    const response = await fetch(target, {
      method,
      headers: {
        authorization: `Key ${config.fal.key ?? 'local-simulator'}`,
        accept: 'application/json',
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
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

/** Downloads a generated picture from FAL's CDN (through FAL_BASE_URL when set). */
export function createFalImageFetcher(config: Pick<Config, 'fal'>) {
  return async (url: string): Promise<Buffer> => {
    const response = await fetch(rewriteFalUrl(url, config.fal.baseUrl), { signal: AbortSignal.timeout(60_000) });
    if (!response.ok) throw new Error(`image download answered HTTP ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > MAX_IMAGE_BYTES) throw new Error(`image is ${bytes.length} bytes`);
    return bytes;
  };
}
