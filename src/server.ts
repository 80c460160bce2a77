import { buildApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { createDeps } from './deps.js';
import { createLogger } from './runtime/logger.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

const config = configOrExit();
const logger = createLogger(config);
const deps = await createDeps(config, logger);
const app = await buildApp(config, deps);

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  const timer = setTimeout(() => {
    logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  timer.unref();
  try {
    // The built-in FAL simulator is this very server: work that talks to it (a submission) finishes while it still serves.
    if (config.fal.simulator) await deps.tasks.drain(config.shutdownTimeoutMs);
    await app.close(); // stops accepting, waits for in-flight requests
    await deps.close(); // then the pool and the embedded database
    logger.info('stopped');
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', (signal) => void shutdown(signal));
process.on('SIGINT', (signal) => void shutdown(signal));

try {
  await app.listen({ port: config.port, host: config.host });
} catch (error) {
  logger.fatal({ err: error }, 'could not listen');
  await deps.close();
  process.exit(1);
}
logger.info(
  config.telegram.playground
    ? `avatar-bot is up: open the playground at ${config.publicUrl} (no Telegram token: a local chat page)`
    : `avatar-bot is up on ${config.publicUrl} (health: ${config.publicUrl}/healthz)`,
);
