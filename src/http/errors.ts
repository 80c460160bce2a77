import { STATUS_CODES } from 'node:http';
import type { FastifyReply } from 'fastify';

/** `404` → `NotFound`: the `error` field of every error answer. */
function errorName(statusCode: number): string {
  return (STATUS_CODES[statusCode] ?? 'Error').replace(/[^A-Za-z]/g, '');
}

type ErrorBody = { error: string; message: string };

/** Every error answer of the service has this one shape. */
export function sendError(reply: FastifyReply, statusCode: number, message: string) {
  return reply.code(statusCode).send({ error: errorName(statusCode), message } satisfies ErrorBody);
}
