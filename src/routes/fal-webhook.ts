import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { applyStoredEvent, recordFalWebhookEvent } from '../domain/fal-webhook-events.js';
import type { FalHttp } from '../fal/fal-http.js';
import { parseFalJson } from '../fal/fal-json.js';
import { type FalWebhookVerifier, JwksUnavailableError, type RejectedWebhook, type VerifiedWebhook } from '../fal/webhook-signature.js';
import { sendError } from '../http-errors.js';
import type { Metrics } from '../metrics.js';
import type { Notifier } from '../notifier.js';

export type FalWebhookOptions = { verifier: FalWebhookVerifier; db: Db; falHttp: FalHttp; notifier: Notifier; metrics: Metrics };

/** `?key=`: the submit attempt the webhook URL was made for (domain/fal-jobs.ts). Anything else is ignored. */
const submitKeyOf = (query: unknown) => {
  const key = (query as { key?: unknown } | null)?.key;
  return typeof key === 'string' && /^[0-9a-f]{32}$/.test(key) ? key : null;
};

const webhookBody = z.object({
  request_id: z.string().min(1),
  gateway_request_id: z.string().optional(),
  status: z.string().min(1),
  payload: z.unknown().optional(),
  error: z.unknown().optional(),
  payload_error: z.unknown().optional(),
});

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

/**
 * FAL's webhook: the ED25519 signature covers the raw body bytes, so this
 * context parses JSON itself and keeps the bytes. A verified event is stored,
 * then applied (a training completes once, however often it is delivered),
 * and only then acknowledged; if the database fails, FAL gets a 5xx and retries.
 * An event nothing carries the request id (or submit key) of yet stays pending;
 * one that cannot be applied is stored all the same and retried by the checker.
 */
export const falWebhookRoutes: FastifyPluginAsync<FalWebhookOptions> = async (app, { verifier, db, falHttp, notifier, metrics }) => {
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    done(null, body);
  });

  app.post('/webhooks/fal', async (request, reply) => {
    const raw = request.rawBody ?? Buffer.alloc(0);
    let verdict: VerifiedWebhook | RejectedWebhook;
    try {
      verdict = await verifier.verify(request.headers, raw);
    } catch (error) {
      if (!(error instanceof JwksUnavailableError)) throw error;
      request.log.error({ err: error }, 'cannot verify FAL webhook: signing keys unavailable');
      return sendError(reply, 503, 'signing keys are unavailable; retry later');
    }
    if (!verdict.ok) {
      metrics.falWebhooks.inc({ outcome: 'rejected' });
      request.outcome = { msg: 'FAL webhook rejected', level: 'warn', reason: verdict.reason };
      return sendError(reply, 401, `invalid FAL webhook signature: ${verdict.reason}`);
    }

    let json: unknown;
    try {
      json = parseFalJson(raw.toString('utf8'));
    } catch {
      metrics.falWebhooks.inc({ outcome: 'invalid' });
      return sendError(reply, 400, 'body is not valid JSON');
    }
    const parsed = webhookBody.safeParse(json);
    if (!parsed.success) {
      metrics.falWebhooks.inc({ outcome: 'invalid' });
      return sendError(reply, 400, `unexpected webhook body: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
    }
    if (parsed.data.request_id !== verdict.requestId) {
      metrics.falWebhooks.inc({ outcome: 'invalid' });
      return sendError(reply, 400, 'body request_id differs from the signed X-Fal-Webhook-Request-Id');
    }

    const submitKey = submitKeyOf(request.query);
    const { deliveries, settled } = await recordFalWebhookEvent(db, {
      requestId: parsed.data.request_id,
      gatewayRequestId: parsed.data.gateway_request_id ?? null,
      submitKey,
      status: parsed.data.status,
      body: json,
    });
    const fields = { fal_request_id: verdict.requestId, fal_status: parsed.data.status, deliveries };
    if (settled) {
      // A redelivery of an event already applied (or given up): nothing more to do.
      metrics.falWebhooks.inc({ outcome: 'duplicate' });
      request.outcome = { msg: 'FAL webhook stored', ...fields, completion: 'none', duplicate: true };
      return { received: true };
    }
    // Answered only after both commits: the event, then the completion it causes.
    const completion = await applyStoredEvent({ db, falHttp }, { requestId: parsed.data.request_id, body: json, submitKey });
    request.outcome = {
      msg: 'FAL webhook stored',
      level: completion.applied || !('error' in completion) ? 'info' : 'error',
      ...fields,
      completion: completion.applied ? completion.status : 'none',
      ...('error' in completion ? { apply_error: completion.error } : {}),
    };
    metrics.falWebhooks.inc({ outcome: completion.applied ? 'applied' : 'error' in completion ? 'failed' : 'stored' });
    if (completion.applied) notifier.drainSoon();
    return { received: true };
  });
};
