import { createFalClient, type FalClient } from '@fal-ai/client';
import type { Config } from '../config.js';

/**
 * The FAL client. `@fal-ai/client` has no base-URL option, so with FAL_BASE_URL
 * set every request to a FAL host is rewritten to `<FAL_BASE_URL>/<host>/<path>`
 * (tests and the simulator); the rest of the client's code path is the production one.
 */
export function createFal(config: Pick<Config, 'fal'>): FalClient {
  const base = config.fal.baseUrl;
  return createFalClient({
    // Without a key (local runs) the simulator answers; it accepts any key.
    credentials: config.fal.key ?? 'local-simulator',
    suppressLocalCredentialsWarning: true,
    ...(base
      ? {
          requestMiddleware: async (request) => ({ ...request, url: rewriteFalUrl(request.url, base) }),
        }
      : {}),
  });
}

const FAL_HOST = /(^|\.)fal\.(run|ai|media)$/;

/** `url` as this deployment reaches it: unchanged without a base, FAL hosts moved under it with one. */
export function rewriteFalUrl(url: string, base: string | undefined): string {
  if (!base) return url;
  const parsed = new URL(url);
  if (!FAL_HOST.test(parsed.hostname)) return url;
  return `${base}/${parsed.hostname}${parsed.pathname}${parsed.search}`;
}
