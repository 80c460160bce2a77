import type { FastifyPluginAsync } from 'fastify';
import type { StatusCheckSummary } from '../domain/status-check.js';
import { sendError } from '../http/errors.js';
import { bearerToken, secretEquals } from '../http/secrets.js';

export type CheckStatusOptions = { token: string | undefined; check: () => Promise<StatusCheckSummary> };

/** Called by the platform scheduler (cron) with `Authorization: Bearer <INTERNAL_API_TOKEN>`. */
export const checkStatusRoutes: FastifyPluginAsync<CheckStatusOptions> = async (app, { token, check }) => {
  app.post(
    '/internal/check-status',
    {
      onRequest: async (request, reply) => {
        // Without a configured token (allowed outside production) nobody is let in.
        if (token === undefined) return sendError(reply, 401, 'INTERNAL_API_TOKEN is not configured');
        if (!secretEquals(bearerToken(request.headers.authorization), token)) {
          return sendError(reply, 401, 'missing or wrong bearer token');
        }
      },
    },
    async () => check(),
  );
};
