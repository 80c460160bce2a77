import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

/**
 * Verification of FAL webhook signatures, as FAL documents them: the headers
 * X-Fal-Webhook-Request-Id, -User-Id, -Timestamp (unix seconds) and -Signature
 * (hex); ED25519 over `request_id \n user_id \n timestamp \n hex(sha256(raw body))`,
 * checked against every key of FAL's JWKS; a timestamp more than 300 s away is refused.
 */

export type VerifiedWebhook = { ok: true; requestId: string; userId: string };
export type RejectedWebhook = { ok: false; reason: string };

type Headers = Record<string, string | string[] | undefined>;

/** The JWKS could not be fetched: the delivery cannot be judged now and must be retried. */
export class JwksUnavailableError extends Error {
  override name = 'JwksUnavailableError';
}

export type FalWebhookVerifier = {
  verify(headers: Headers, rawBody: Buffer): Promise<VerifiedWebhook | RejectedWebhook>;
};

export type VerifierOptions = {
  jwksUrl: string;
  /** Accepted clock difference, seconds. */
  toleranceSeconds?: number;
  /** How long a fetched key set is trusted. */
  cacheTtlMs?: number;
  /** Minimum time between refetches triggered by a signature no cached key matches. */
  refetchIntervalMs?: number;
  now?: () => number;
};

const SIGNATURE = /^[0-9a-f]{128}$/i;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseKeys(body: unknown): KeyObject[] {
  const keys = (body as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) throw new JwksUnavailableError('JWKS has no "keys" array');
  return keys.flatMap((jwk: unknown) => {
    try {
      const key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
      return key.asymmetricKeyType === 'ed25519' ? [key] : [];
    } catch {
      return [];
    }
  });
}

export function createFalWebhookVerifier(options: VerifierOptions): FalWebhookVerifier {
  const tolerance = options.toleranceSeconds ?? 300;
  const ttl = options.cacheTtlMs ?? 24 * 60 * 60 * 1000;
  const refetchInterval = options.refetchIntervalMs ?? 60_000;
  const now = options.now ?? Date.now;

  let cached: { keys: KeyObject[]; fetchedAt: number } | undefined;
  let inFlight: Promise<KeyObject[]> | undefined;

  function fetchKeys(): Promise<KeyObject[]> {
    inFlight ??= (async () => {
      try {
        const response = await fetch(options.jwksUrl, { signal: AbortSignal.timeout(5_000) });
        if (!response.ok) throw new JwksUnavailableError(`JWKS answered HTTP ${response.status}`);
        const keys = parseKeys(await response.json());
        cached = { keys, fetchedAt: now() };
        return keys;
      } catch (error) {
        if (error instanceof JwksUnavailableError) throw error;
        throw new JwksUnavailableError(`JWKS fetch failed: ${(error as Error).message}`, { cause: error });
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  const matches = (keys: KeyObject[], message: Buffer, signature: Buffer) => keys.some((key) => verify(null, message, key, signature));

  return {
    async verify(headers, rawBody) {
      const requestId = header(headers, 'x-fal-webhook-request-id');
      const userId = header(headers, 'x-fal-webhook-user-id');
      const timestamp = header(headers, 'x-fal-webhook-timestamp');
      const signatureHex = header(headers, 'x-fal-webhook-signature');
      if (!requestId || !userId || !timestamp || !signatureHex) {
        return { ok: false, reason: 'missing X-Fal-Webhook-* signature headers' };
      }
      if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now() / 1000 - Number(timestamp)) > tolerance) {
        return { ok: false, reason: 'timestamp outside the accepted window' };
      }
      if (!SIGNATURE.test(signatureHex)) return { ok: false, reason: 'malformed signature' };

      const bodyHash = createHash('sha256').update(rawBody).digest('hex');
      const message = Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${bodyHash}`, 'utf8');
      const signature = Buffer.from(signatureHex, 'hex');

      const fresh = cached && now() - cached.fetchedAt < ttl;
      const keys = fresh && cached ? cached.keys : await fetchKeys();
      if (matches(keys, message, signature)) return { ok: true, requestId, userId };
      // Keys may have been rotated since we cached them: look again, at most once a minute.
      if (fresh && cached && now() - cached.fetchedAt >= refetchInterval) {
        if (matches(await fetchKeys(), message, signature)) return { ok: true, requestId, userId };
      }
      return { ok: false, reason: 'signature does not match any FAL key' };
    },
  };
}
