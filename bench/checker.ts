import { sql } from 'drizzle-orm';
import { avatars, users } from '../src/db/schema.js';
import { INTERNAL, report, startApp } from './support.js';

export async function checkerScaling(adminUrl: string, dataDir: string) {
  const section = '3 status checker';
  const timings: number[] = [];
  for (const [database, total] of [
    ['bench_check_small', 100],
    ['bench_check_large', 10_000],
  ] as const) {
    const env = await startApp(adminUrl, database, dataDir);
    const [user] = await env.deps.db.insert(users).values({ telegramId: 7, chatId: 7, firstName: 'C' }).returning();
    const base = `${env.fal.url}/queue.fal.run/fal-ai/flux-lora-portrait-trainer/requests`;
    for (let i = 0; i < total; i += 1000) {
      await env.deps.db.insert(avatars).values(
        Array.from({ length: Math.min(1000, total - i) }, (_, j) => {
          const k = i + j;
          const training = k < 100;
          return {
            userId: user!.id,
            name: `A${k}`,
            trainingType: 'portrait' as const,
            status: training ? ('training' as const) : ('completed' as const),
            ...(training
              ? {
                  falRequestId: `c-${k}`,
                  falStatusUrl: `${base}/c-${k}/status`,
                  falResponseUrl: `${base}/c-${k}`,
                  trainingStartedAt: new Date(),
                }
              : {}),
          };
        }),
      );
    }
    for (let k = 0; k < 100; k++) env.fal.state.jobs.set(`c-${k}`, { status: 'IN_PROGRESS' });
    await env.deps.db.execute(sql`analyze avatars`);
    const t0 = performance.now();
    const res = await fetch(`${env.url}/internal/check-status`, { method: 'POST', headers: { authorization: `Bearer ${INTERNAL}` } });
    const summary = (await res.json()) as { checked: number; stillRunning: number };
    const ms = performance.now() - t0;
    timings.push(ms);
    report(
      section,
      `${total.toLocaleString('en')} avatars, 100 training`,
      `${ms.toFixed(0)} ms`,
      `checked ${summary.checked}, still running ${summary.stillRunning}`,
    );
    if (total === 10_000) {
      const plan = await env.deps.db.execute(sql`explain select id from ${avatars} where status = 'training'
        and (status_checked_at is null or status_checked_at < now() - interval '60 seconds')
        order by status_checked_at nulls first, created_at limit 20 for update skip locked`);
      const text = plan.rows.map((r) => String((r as Record<string, unknown>)['QUERY PLAN'])).join(' / ');
      report(
        section,
        'claim query plan',
        /avatars_in_flight_idx/.test(text) ? 'uses avatars_in_flight_idx' : 'NO INDEX',
        text.replace(/\s+/g, ' ').slice(0, 160),
      );
    }
    await env.close();
  }
  report(section, 'ratio 10,000 / 100', (timings[1]! / timings[0]!).toFixed(2), 'target ≤ 2');
}
