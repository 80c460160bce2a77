import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';

/**
 * What /metrics reads at each scrape: avatars and generations by status, the
 * outbox backlog, and the likeness of the last week's pictures by the training
 * preset of their avatar.
 */
export function serviceCounts(db: Db) {
  return {
    async byStatus(table: 'avatars' | 'generations') {
      return (
        await db.execute<{ status: string; n: number }>(sql.raw(`select status::text, count(*)::int as n from ${table} group by status`))
      ).rows;
    },
    async outboxBacklog() {
      const [row] = (
        await db.execute<{ n: number; age: number | null }>(sql`
          select count(*)::int as n, extract(epoch from now() - min(created_at))::float8 as age
          from notifications where sent_at is null and dead_at is null`)
      ).rows;
      return { n: row?.n ?? 0, age: row?.age ?? null };
    },
    async setPictures() {
      return (
        await db.execute<{ kind: string; status: string; n: number }>(sql`
          select s.kind, g.status::text, count(*)::int as n
          from generations g join picture_sets s on s.id = g.set_id
          group by 1, 2`)
      ).rows;
    },
    async likenessByPreset() {
      return (
        await db.execute<{ preset: string; scored: number; no_face: number; mean: number | null }>(sql`
          select coalesce(a.training_preset, 'unknown') as preset,
                 count(*) filter (where g.likeness_status = 'measured')::int as scored,
                 count(*) filter (where g.likeness_status = 'no_face')::int as no_face,
                 avg(g.likeness) filter (where g.likeness_status = 'measured')::float8 as mean
          from generations g join avatars a on a.id = g.avatar_id
          where g.likeness_status is not null and g.created_at > now() - interval '7 days'
          group by 1`)
      ).rows.map((r) => ({ preset: r.preset, scored: r.scored, noFace: r.no_face, mean: r.mean }));
    },
  };
}
