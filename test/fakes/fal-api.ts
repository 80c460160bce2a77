import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { listen, sendJson } from './http.js';

/**
 * A local FAL: serves a JWKS of its own ED25519 keys and signs webhook
 * deliveries exactly as FAL does (shared/notes/fal.md), so the app's real
 * verification code runs against it. `jwksStatus` makes the key endpoint fail.
 */

export type SignOptions = { requestId: string; userId?: string; timestamp?: number; key?: KeyObject };

export type FakeFal = Awaited<ReturnType<typeof startFakeFal>>;

export function newSigningKey(): KeyObject {
  return generateKeyPairSync('ed25519').privateKey;
}

/** The four X-Fal-Webhook-* headers FAL sends with a delivery of `body`. */
export function signWebhook(body: string | Buffer, options: SignOptions & { key: KeyObject }): Record<string, string> {
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
  };

  const server = await listen(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    if (request.method === 'GET' && url.pathname === '/.well-known/jwks.json') {
      state.jwksRequests += 1;
      if (state.jwksStatus !== 200) return sendJson(response, state.jwksStatus, { detail: 'unavailable' });
      const keys = state.keys.map((key, i) => ({
        ...createPublicKey(key).export({ format: 'jwk' }),
        kid: `fake-${i}`,
        use: 'sig',
        alg: 'EdDSA',
      }));
      return sendJson(response, 200, { keys });
    }
    sendJson(response, 404, { detail: `no route ${request.method} ${url.pathname}` });
  });

  return {
    url: server.url,
    jwksUrl: `${server.url}/.well-known/jwks.json`,
    state,
    /** Signs with the fake's current first key unless another key is given. */
    sign: (body: string | Buffer, options: SignOptions) =>
      signWebhook(body, { ...options, key: options.key ?? (state.keys[0] as KeyObject) }),
    close: server.close,
  };
}
