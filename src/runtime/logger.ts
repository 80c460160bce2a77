import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from '../config.js';

const REDACTED = '[redacted]';

/** Paths that may hold secrets in anything we log. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers["x-fal-webhook-signature"]',
  'headers.authorization',
  '*.token',
  '*.botToken',
  '*.secret',
  '*.webhookSecret',
  '*.password',
  '*.key',
  '*.secretAccessKey',
  '*.internalApiToken',
  '*.databaseUrl',
];

/**
 * Bot API URLs carry the bot token in their path (`/bot123:ABC/sendMessage`), and
 * connection strings carry passwords: both can appear inside error messages, which
 * path-based redaction cannot reach.
 */
export function scrubSecrets(text: string): string {
  return text.replace(/bot\d+:[\w-]+/g, `bot${REDACTED}`).replace(/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/g, `$1${REDACTED}@`);
}

function serializeError(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  for (const field of ['message', 'stack']) {
    if (typeof serialized[field] === 'string') serialized[field] = scrubSecrets(serialized[field] as string);
  }
  // telegraf's errors carry the whole request, token included in `on.payload` for some calls.
  delete serialized.on;
  return serialized;
}

/**
 * JSON lines for machines; in a terminal (stdout a TTY, outside production) the
 * same records made readable by pino-pretty, in this thread.
 */
export function createLogger(config: Pick<Config, 'logLevel'> & { env?: Config['env'] }, destination?: DestinationStream): Logger {
  const readable = destination === undefined && process.stdout.isTTY && config.env !== 'production';
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: serializeError, error: serializeError },
    },
    readable ? pretty({ colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' }) : destination,
  );
}
