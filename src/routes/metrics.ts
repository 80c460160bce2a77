import type { FastifyPluginAsync } from 'fastify';
import { sendError } from '../http/errors.js';
import { bearerToken, secretEquals } from '../http/secrets.js';
import type { Metrics } from '../runtime/metrics.js';

export type MetricsOptions = { token: string | undefined; metrics: Metrics };

/** Prometheus' scrape: `Authorization: Bearer <METRICS_TOKEN or INTERNAL_API_TOKEN>`; nobody without one configured. */
export const metricsRoutes: FastifyPluginAsync<MetricsOptions> = async (app, { token, metrics }) => {
  app.get(
    '/metrics',
    {
      onRequest: async (request, reply) => {
        if (token === undefined) return sendError(reply, 401, 'METRICS_TOKEN (or INTERNAL_API_TOKEN) is not configured');
        if (!secretEquals(bearerToken(request.headers.authorization), token)) return sendError(reply, 401, 'missing or wrong bearer token');
      },
    },
    async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
};
