import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the gauges read from the database at each scrape (domain/service-counts.ts). */
export type CountReaders = {
  byStatus(table: 'avatars' | 'generations'): Promise<{ status: string; n: number }[]>;
  /** Messages neither sent nor dead, and the age in seconds of the oldest (null when there is none). */
  outboxBacklog(): Promise<{ n: number; age: number | null }>;
  /** Pictures made in sets (preview, welcome, shoot), by kind and status. */
  setPictures(): Promise<{ kind: string; status: string; n: number }[]>;
  /** Pictures of the last 7 days scored for likeness, by training preset: how many, how many had no face, the mean score. */
  likenessByPreset(): Promise<{ preset: string; scored: number; noFace: number; mean: number | null }[]>;
};

/**
 * One database read shared by the gauges of one scrape: prom-client collects
 * every metric at once, so gauges fed by the same query await the same promise.
 */
function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    inFlight ??= read().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}

/**
 * Prometheus metrics (GET /metrics): the process, HTTP requests per route,
 * what Telegram updates and FAL webhooks came to, FAL's answers, the status
 * checker's run time, face scans, and — read from the database at each scrape —
 * avatars and generations by status (the in-flight ones among them), the outbox
 * backlog and the likeness of recent pictures by training preset.
 * A registry per app: tests build many apps in one process.
 */
export function createMetrics(counts: CountReaders) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'avatar_bot_' });
  const registers = [registry];

  new Gauge({
    name: 'avatar_bot_avatars',
    help: 'Avatars by status (submitting and training are in flight at FAL)',
    labelNames: ['status'],
    registers,
    async collect() {
      this.reset();
      for (const row of await counts.byStatus('avatars')) this.set({ status: row.status }, row.n);
    },
  });
  new Gauge({
    name: 'avatar_bot_generations',
    help: 'Generations by status (pending and running are in flight)',
    labelNames: ['status'],
    registers,
    async collect() {
      this.reset();
      for (const row of await counts.byStatus('generations')) this.set({ status: row.status }, row.n);
    },
  });
  const backlog = sharedRead(() => counts.outboxBacklog());
  new Gauge({
    name: 'avatar_bot_outbox_oldest_unsent_seconds',
    help: 'Age of the oldest unsent message',
    registers,
    async collect() {
      this.set((await backlog()).age ?? 0);
    },
  });
  new Gauge({
    name: 'avatar_bot_outbox_backlog',
    help: 'Messages written but not sent yet (dead ones excluded)',
    registers,
    async collect() {
      this.set((await backlog()).n);
    },
  });
  new Gauge({
    name: 'avatar_bot_set_pictures',
    help: 'Pictures made in sets, each a paid FAL job: by kind (preview, welcome, shoot) and status',
    labelNames: ['kind', 'status'],
    registers,
    async collect() {
      this.reset();
      for (const row of await counts.setPictures()) this.set({ kind: row.kind, status: row.status }, row.n);
    },
  });
  const likeness = sharedRead(() => counts.likenessByPreset());
  new Gauge({
    name: 'avatar_bot_pictures_scored_7d',
    help: 'Pictures of the last 7 days scored for likeness, by training preset and outcome (face, no_face)',
    labelNames: ['preset', 'outcome'],
    registers,
    async collect() {
      this.reset();
      for (const row of await likeness()) {
        this.set({ preset: row.preset, outcome: 'face' }, row.scored);
        this.set({ preset: row.preset, outcome: 'no_face' }, row.noFace);
      }
    },
  });
  new Gauge({
    name: 'avatar_bot_likeness_mean_percent_7d',
    help: "Mean likeness (0-100) of the last 7 days' pictures to their avatar's photos, by training preset",
    labelNames: ['preset'],
    registers,
    async collect() {
      this.reset();
      for (const row of await likeness()) if (row.mean !== null) this.set({ preset: row.preset }, row.mean);
    },
  });

  return {
    registry,
    http: new Histogram({
      name: 'avatar_bot_http_request_duration_seconds',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    telegramUpdates: new Counter({
      name: 'avatar_bot_telegram_updates_total',
      help: 'Telegram updates by outcome: handled, duplicate, busy (being handled elsewhere), failed',
      labelNames: ['outcome'],
      registers,
    }),
    falWebhooks: new Counter({
      name: 'avatar_bot_fal_webhooks_total',
      help: 'FAL webhooks by outcome: stored (to be applied), duplicate (applied before), foreign (a job not ours, not kept), rejected (signature), invalid (body)',
      labelNames: ['outcome'],
      registers,
    }),
    falEventApplications: new Counter({
      name: 'avatar_bot_fal_event_applications_total',
      help: 'Stored FAL webhook events applied after the answer, by outcome: applied (a training or generation ended), pending (nothing waits for it yet, or its result is not ready), error',
      labelNames: ['outcome'],
      registers,
    }),
    falRequests: new Counter({
      name: 'avatar_bot_fal_requests_total',
      help: 'Requests to FAL by call (submit, status, cancel) and outcome (ok, error: a non-2xx answer, unanswered)',
      labelNames: ['call', 'outcome'],
      registers,
    }),
    promptRewrites: new Counter({
      name: 'avatar_bot_prompt_rewrites_total',
      help: 'Prompt assistant answers by outcome: rewritten, cached, refused (paid model calls, cached excepted), timeout, error, empty, too_long (the user words drawn)',
      labelNames: ['outcome'],
      registers,
    }),
    faceScans: new Histogram({
      name: 'avatar_bot_face_scan_duration_seconds',
      help: 'Face scans (detect, landmarks, descriptors; src/faces/) by outcome: ok, error',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5],
      registers,
    }),
    statusCheck: new Histogram({
      name: 'avatar_bot_status_check_duration_seconds',
      help: 'Run time of one status check',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30],
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
