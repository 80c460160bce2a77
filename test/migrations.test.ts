import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { createDatabase, runMigrations } from '../src/db/client.js';
import { createTestDatabase } from './support/helper.js';

t.test('instances starting together migrate an empty database once, without racing', async (t) => {
  const { url } = await createTestDatabase(t, { migrated: false });
  const instances = Array.from({ length: 4 }, () => createDatabase(url));
  t.teardown(() => Promise.all(instances.map((i) => i.close())));

  await Promise.all(instances.map((i) => runMigrations(i)));

  const [first] = instances;
  const journal = JSON.parse(await readFile(new URL('../drizzle/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] };
  const applied = await first!.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  t.equal(applied.rows[0]?.n, journal.entries.length, 'each migration is recorded once');
  const tables = await first!.db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  t.same(
    tables.rows.map((r) => r.table_name),
    [
      'avatar_photos',
      'avatars',
      'balance_entries',
      'bot_state',
      'fal_webhook_events',
      'generations',
      'notifications',
      'picture_sets',
      'processed_updates',
      'prompt_rewrites',
      'shoot_themes',
      'shown_cards',
      'star_offers',
      'star_payments',
      'storage_deletions',
      'support_messages',
      'training_runs',
      'users',
    ],
  );
  await runMigrations(first!);
  t.pass('running them again is a no-op');
});
