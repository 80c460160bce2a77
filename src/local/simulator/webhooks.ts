import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

/**
 * The simulator's webhooks, signed as FAL signs them with an ED25519 key of its
 * own whose JWKS it serves, so the app's signature check runs unchanged.
 */
export function simulatorWebhooks(log: FastifyBaseLogger) {
  const key = generateKeyPairSync('ed25519').privateKey;

  return {
    routes(app: FastifyInstance) {
      app.get('/.well-known/jwks.json', async () => ({
        keys: [{ ...createPublicKey(key).export({ format: 'jwk' }), kid: 'simulator', use: 'sig', alg: 'EdDSA' }],
      }));
    },

    /** Posts a finished job's result to its webhook URL, with a few retries as FAL retries. */
    async deliver(jobId: string, result: { status: number; json: string }, webhookUrl: string): Promise<void> {
      const ok = result.status === 200;
      const envelope = { request_id: jobId, gateway_request_id: jobId, status: ok ? 'OK' : 'ERROR' };
      const body = ok
        ? `${JSON.stringify(envelope).slice(0, -1)},"payload":${result.json}}`
        : JSON.stringify({ ...envelope, payload: null, error: (JSON.parse(result.json) as { detail: string }).detail });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const hash = createHash('sha256').update(body).digest('hex');
      const signature = sign(null, Buffer.from(`${jobId}\nsimulator\n${timestamp}\n${hash}`), key).toString('hex');
      // FAL retries failed deliveries; a few tries with a pause are enough locally.
      for (let attempt = 0; attempt < 3; attempt++) {
        const response = await fetch(webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-fal-webhook-request-id': jobId,
            'x-fal-webhook-user-id': 'simulator',
            'x-fal-webhook-timestamp': timestamp,
            'x-fal-webhook-signature': signature,
          },
          body,
        }).catch(() => null);
        if (response?.ok) return;
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
      log.warn({ fal_request_id: jobId }, 'simulator: webhook not accepted');
    },
  };
}
