import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { PgTransaction } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema.js';

export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool };
/** An open transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** A query function's handle: the pool-backed database or an open transaction. */
export type DbOrTx = Db | Tx;

/** Runs `work` in the caller's transaction when there is one (no savepoint), else in a transaction of its own. */
export function inTransaction<T>(db: DbOrTx, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db instanceof PgTransaction ? work(db as Tx) : db.transaction(work);
}

export type Database = {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
};

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

export function createDatabase(url: string, options: { onError?: (error: Error) => void } = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // A database that does not answer must fail a request quickly (503), not hang it.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', (error) => options.onError?.(error));
  return {
    db: drizzle(pool, { schema }),
    pool,
    close: () => pool.end(),
  };
}

/**
 * A statement for the hottest paths, parsed and planned once per connection (a
 * named prepared statement) instead of once per call. Its errors are wrapped
 * the way drizzle wraps its own, so `isDatabaseUnavailable` judges them alike.
 */
export function preparedStatement<Row extends Record<string, unknown>>(name: string, text: string) {
  return async (db: Db, values: unknown[]): Promise<Row[]> => {
    try {
      return (await db.$client.query<Row>({ name, text, values })).rows;
    } catch (error) {
      throw new DrizzleQueryError(text, values, error as Error);
    }
  };
}

/** One round trip: whether the database answers at all (readiness). */
export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

/** Any constant shared by every instance: the advisory lock that serialises migrations. */
const MIGRATION_LOCK = 4_721_903_118;

/**
 * Applies the migrations in drizzle/. Instances starting together (a deploy of
 * several machines) take turns under an advisory lock instead of racing.
 */
export async function runMigrations(database: Pick<Database, 'db' | 'pool'>): Promise<void> {
  const client = await database.pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(database.db, { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}

/** The innermost message of an error: the database's own words rather than a wrapper's "Failed query: …". */
export function rootMessage(error: unknown): string {
  let e = error as Error;
  while (e?.cause instanceof Error) e = e.cause;
  return e?.message ?? String(error);
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * True for errors that mean "the database is unavailable", as opposed to a bad
 * query or an error of another service: only errors raised by a query (drizzle's
 * wrapper, pg's server errors) or by the pool are judged, so a refused
 * connection to the Bot API is not mistaken for one to PostgreSQL.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let fromDatabase = false;
  const seen = new Set<unknown>();
  for (let e: unknown = error; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    if (/timeout exceeded when trying to connect|Connection terminated/i.test(e.message)) return true;
    fromDatabase ||= e instanceof DrizzleQueryError || e instanceof pg.DatabaseError;
    const code = (e as { code?: unknown }).code;
    if (!fromDatabase || typeof code !== 'string') continue;
    // Class 08 connection exceptions, 57P01-03 shutting down / cannot connect now, 3D000 database gone.
    if (/^(08...|57P0[1-3]|3D000)$/.test(code) || CONNECTION_CODES.has(code)) return true;
  }
  return false;
}
