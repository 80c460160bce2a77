/**
 * What a webhook request came to, for its one log line: the route fills it in,
 * and the line is written when the answer is sent, with the status and the
 * duration (app.ts). Other requests log at debug unless they fail.
 */
type Outcome = { msg: string; level?: 'info' | 'warn' | 'error'; [field: string]: unknown };

declare module 'fastify' {
  interface FastifyRequest {
    outcome: Outcome | null;
  }
}
