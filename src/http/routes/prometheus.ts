// /metrics/prometheus: the Prometheus text exposition (calls, latencies, HTTP requests, process), and the hook that feeds HTTP series.
import type { FastifyInstance } from 'fastify';
import type { PrometheusMetrics } from '../../runtime/prometheus.js';

export function prometheusRoutes(app: FastifyInstance, deps: { prometheus: PrometheusMetrics }): void {
  app.get('/metrics/prometheus', { config: { auth: 'user' } }, async (_request, reply) => {
    reply.header('content-type', deps.prometheus.contentType);
    return deps.prometheus.render();
  });
}

/** Observes every response by route pattern (never the raw URL: ids would explode the label set). */
export function registerHttpMetrics(app: FastifyInstance, prometheus: PrometheusMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    prometheus.observeHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
}
