import type { Config } from '../config.js';
import { rewriteFalUrl } from './fal-client.js';

export type FalAnswer = { status: number; body: unknown };

/**
 * Plain authenticated requests to the queue URLs FAL handed us at submit
 * (status_url, response_url, cancel_url): the stored URLs are used as they
 * are, never rebuilt from the model id. One attempt each; the status checker
 * is the retry loop. Throws only when no HTTP answer came back.
 */
export type FalHttp = {
  get(url: string): Promise<FalAnswer>;
  put(url: string): Promise<FalAnswer>;
};

export function createFalHttp(config: Pick<Config, 'fal'>, timeoutMs = 10_000): FalHttp {
  const request = async (method: 'GET' | 'PUT', url: string): Promise<FalAnswer> => {
    const target = rewriteFalUrl(url, config.fal.baseUrl);
    const response = await fetch(target, {
      method,
      headers: { authorization: `Key ${config.fal.key ?? 'local-simulator'}`, accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (an HTML error page): keep the text for the reason.
    }
    return { status: response.status, body };
  };
  return { get: (url) => request('GET', url), put: (url) => request('PUT', url) };
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
