import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { applyStoredEvent } from '../domain/fal-webhooks/apply.js';
import { type FalWebhookEvent, recordFalWebhookEvents } from '../domain/fal-webhooks/record.js';
import type { Notifier } from '../domain/notifier.js';
import type { FalHttp } from '../fal/fal-http.js';
import { parseFalJson } from '../fal/fal-json.js';
import { type FalWebhookVerifier, JwksUnavailableError, type RejectedWebhook, type VerifiedWebhook } from '../fal/webhook-signature.js';
import { sendError } from '../http/errors.js';
import type { BackgroundTasks } from '../runtime/background-tasks.js';
import { batched, limiter } from '../runtime/limiter.js';
import type { Metrics } from '../runtime/metrics.js';

export type FalWebhookOptions = {
  verifier: FalWebhookVerifier;
  db: Db;
  falHttp: FalHttp;
  notifier: Notifier;
  metrics: Metrics;
  tasks: BackgroundTasks;
  /** After a training completed here: its welcome set is started (domain/sets/). */
  onTrainingCompleted?: () => void;
};

/** Events applied at once in the background: a storm of webhooks leaves the pool to the webhooks themselves. */
const APPLYING_AT_ONCE = 4;

type StoredEvent = Parameters<typeof applyStoredEvent>[1];

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
 * context parses JSON itself and keeps the bytes. A verified event is stored
 * durably and acknowledged — one statement, however busy the service — and
 * applied right after in the background (a training completes once, however
 * often it is delivered). If the database fails, FAL gets a 5xx and retries.
 * An event nothing carries the request id (or submit key) of yet stays pending;
 * one that cannot be applied now, or that a crash kept from being applied, is
 * applied by the status check.
 */
export const falWebhookRoutes: FastifyPluginAsync<FalWebhookOptions> = async (
  app,
  { verifier, db, falHttp, notifier, metrics, tasks, onTrainingCompleted },
) => {
  const slot = limiter(APPLYING_AT_ONCE);
  // Deliveries arriving together are stored by one statement (a group commit); each is answered after it.
  const record = batched((events: FalWebhookEvent[]) => recordFalWebhookEvents(db, events));
  /** Request ids being applied here now: a redelivery that comes meanwhile adds nothing. */
  const applying = new Set<string>();
  const applySoon = (event: StoredEvent) => {
    if (applying.has(event.requestId)) return;
    applying.add(event.requestId);
    tasks.run('apply-fal-event', () =>
      slot(async () => {
        const log = app.log.child({ fal_request_id: event.requestId });
        try {
          const completion = await applyStoredEvent({ db, falHttp }, event);
          const outcome = completion.applied ? 'applied' : 'error' in completion ? 'error' : 'pending';
          metrics.falEventApplications.inc({ outcome });
          if (completion.applied) {
            log.info({ kind: completion.kind, status: completion.status }, 'FAL event applied');
            notifier.drainSoon();
            if (completion.kind === 'training' && completion.status === 'completed') onTrainingCompleted?.();
          } else if ('error' in completion)
            log.error({ apply_error: completion.error }, 'FAL event not applied; the status check retries it');
          else log.info('FAL event pending: nothing waits for it yet, or its result is not ready');
        } catch (error) {
          metrics.falEventApplications.inc({ outcome: 'error' });
          log.error({ err: error }, 'FAL event not applied; the status check retries it');
        } finally {
          applying.delete(event.requestId);
        }
      }),
    );
  };
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
    const recorded = await record({
      requestId: parsed.data.request_id,
      gatewayRequestId: parsed.data.gateway_request_id ?? null,
      submitKey,
      status: parsed.data.status,
      body: json,
    });
    if (recorded instanceof Error) throw recorded;
    const { duplicate, settled, carrier, foreign } = recorded;
    const fields = { fal_request_id: verdict.requestId, fal_status: parsed.data.status, duplicate };
    if (foreign) {
      // Signed by FAL, but another account's job pointed at our URL: nothing of ours waits for it. A 200, so FAL stops.
      metrics.falWebhooks.inc({ outcome: 'foreign' });
      request.outcome = { msg: 'FAL webhook of a job not ours ignored', level: 'warn', fal_request_id: verdict.requestId };
      return { received: true };
    }
    if (settled) {
      // A redelivery of an event already applied (or given up): nothing more to do.
      metrics.falWebhooks.inc({ outcome: 'duplicate' });
      request.outcome = { msg: 'FAL webhook stored', ...fields };
      return { received: true };
    }
    // Stored durably: FAL is answered now and the event applied right after (a crash in between
    // leaves it pending, and the status check applies it).
    applySoon({ requestId: parsed.data.request_id, body: json, submitKey, known: carrier });
    metrics.falWebhooks.inc({ outcome: 'stored' });
    request.outcome = { msg: 'FAL webhook stored', ...fields };
    return { received: true };
  });
};
