import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';

/** What /metrics reads at each scrape: avatars and generations by status, and the outbox backlog. */
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
  };
}
