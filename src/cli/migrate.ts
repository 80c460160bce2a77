import { loadConfig } from '../config.js';
import { createDatabase, runMigrations } from '../db/client.js';

/** `npm run migrate`: applies drizzle/ to DATABASE_URL (fly.io's release command). */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set (the embedded database migrates itself at start)');
  const database = createDatabase(config.databaseUrl);
  try {
    await runMigrations(database);
  } finally {
    await database.close();
  }
  process.stdout.write('migrations applied\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`migrate failed: ${(error as Error).message}\n`);
  process.exit(1);
});
