import { type Db, isDatabaseUnavailable, preparedStatement } from '../../db/client.js';

export type FalWebhookEvent = {
  requestId: string;
  gatewayRequestId: string | null;
  /** The key of the submit attempt, from the webhook URL (`?key=`). */
  submitKey: string | null;
  status: string;
  body: unknown;
};

/** What carries a request id: a generation or a training, with the response URL stored at submit. */
export type Carrier = { kind: 'generation' | 'training'; responseUrl: string | null };

/*
 * $1: the deliveries as a JSON array of {request_id, gateway_request_id, submit_key, status, body}, one per
 * request id. A request id already stored is only read (from the statement's snapshot: no write, and no wait
 * for a transaction applying it). A new one is inserted only when it is ours: a generation or a training
 * carries its request id, or its submit key is one of our submit attempts (a webhook that came before the
 * submit's answer, or for a submit whose answer was lost). The carrier comes back in the same round trip.
 */
const recordStatement = preparedStatement<{
  request_id: string;
  stored: boolean;
  settled: boolean;
  carrier: Carrier | null;
  foreign: boolean;
}>(
  'record_fal_webhook_events',
  `with d as (
    select * from jsonb_to_recordset($1::jsonb) as d(request_id text, gateway_request_id text, submit_key text, status text, body jsonb)
  ), c as (
    select d.*,
      coalesce(
        (select jsonb_build_object('kind', 'generation', 'responseUrl', fal_response_url) from generations where fal_request_id = d.request_id),
        (select jsonb_build_object('kind', 'training', 'responseUrl', fal_response_url) from avatars where fal_request_id = d.request_id)
      ) as carrier,
      d.submit_key is not null and (
        exists (select 1 from training_runs r where r.submit_key = d.submit_key)
        or exists (select 1 from generations g where g.submit_key = d.submit_key)
      ) as keyed
    from d
  ), known as (
    select e.request_id, e.applied_at is not null or e.failed_at is not null as settled
    from fal_webhook_events e join c using (request_id)
  ), stored as (
    insert into fal_webhook_events (request_id, gateway_request_id, submit_key, status, body)
    select request_id, gateway_request_id, submit_key, status, body from c
    where request_id not in (select request_id from known) and (carrier is not null or keyed)
    order by request_id
    on conflict (request_id) do nothing
    returning request_id
  )
  select c.request_id, stored.request_id is not null as stored, coalesce(known.settled, false) as settled, c.carrier,
    known.request_id is null and c.carrier is null and not c.keyed as foreign
  from c left join known using (request_id) left join stored using (request_id)`,
);

/**
 * `duplicate`: the request id was stored before (by an earlier delivery, or by another one of this batch).
 * `foreign`: not ours (another FAL account's job pointed at our URL): nothing was stored.
 */
export type RecordedEvent = { duplicate: boolean; settled: boolean; carrier: Carrier | null; foreign: boolean };

/**
 * Stores verified FAL webhooks of our jobs durably, keyed by the submit request
 * id, in one statement for a batch; another account's are not kept. A redelivery writes nothing: the first stored body
 * stays, and so does whether it was applied — `settled` when it was (or was
 * given up): then there is nothing left to do. The generation or training
 * carrying the request id comes back with it. Of several deliveries of one
 * request id in a batch, the first is the one stored.
 *
 * One result per event, in order. When the database refuses the batch for
 * something other than being unavailable (a body jsonb cannot hold), each event
 * is stored alone, so only the one at fault gets its error.
 */
export async function recordFalWebhookEvents(db: Db, events: FalWebhookEvent[]): Promise<(RecordedEvent | Error)[]> {
  try {
    return await recordTogether(db, events);
  } catch (error) {
    if (events.length === 1 || isDatabaseUnavailable(error)) throw error;
    return Promise.all(
      events.map((event) =>
        recordTogether(db, [event]).then(
          ([recorded]) => recorded!,
          (failure: Error) => failure,
        ),
      ),
    );
  }
}

async function recordTogether(db: Db, events: FalWebhookEvent[]): Promise<RecordedEvent[]> {
  const first = new Map<string, FalWebhookEvent>();
  for (const event of events) if (!first.has(event.requestId)) first.set(event.requestId, event);
  const rows = JSON.stringify(
    [...first.values()].map((event) => ({
      request_id: event.requestId,
      gateway_request_id: event.gatewayRequestId,
      submit_key: event.submitKey,
      status: event.status,
      body: event.body,
    })),
  );
  const recorded = new Map((await recordStatement(db, [rows])).map((row) => [row.request_id, row]));
  return events.map((event) => {
    const row = recorded.get(event.requestId);
    if (!row) throw new Error('webhook event record returned no row');
    return {
      duplicate: !row.foreign && (!row.stored || first.get(event.requestId) !== event),
      settled: row.settled,
      carrier: row.carrier,
      foreign: row.foreign,
    };
  });
}
