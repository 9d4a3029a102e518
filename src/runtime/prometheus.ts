// PrometheusMetrics: one prom-client registry per gateway (never the global one) with call and HTTP request series.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricSample } from './metrics-recorder.js';

export interface PrometheusMetrics {
  registry: Registry;
  /** Every tool call, resource read, prompt render and server-scoped call (fed by the metrics recorder). */
  observeCall(sample: MetricSample): void;
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  render(): Promise<string>;
  contentType: string;
}

export function createPrometheusMetrics(opts: { version: string }): PrometheusMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app: 'mcpgateway' });
  collectDefaultMetrics({ register: registry, prefix: 'mcpgateway_' });
  new Counter({
    name: 'mcpgateway_build_info',
    help: 'Build information (always 1)',
    labelNames: ['version'],
    registers: [registry],
  })
    .labels(opts.version)
    .inc();
  const calls = new Counter({
    name: 'mcpgateway_calls_total',
    help: 'MCP calls by kind (tool, resource, prompt, server) and outcome',
    labelNames: ['kind', 'outcome'],
    registers: [registry],
  });
  const callSeconds = new Histogram({
    name: 'mcpgateway_call_duration_seconds',
    help: 'Latency of MCP calls by kind',
    labelNames: ['kind'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const httpSeconds = new Histogram({
    name: 'mcpgateway_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  // Label children looked up once: labels() hashes its values on every call, and these run on every request.
  // Bounded: kinds, outcomes, methods, route patterns and statuses are all finite.
  const children = new Map<string, { inc(): void } | { observe(value: number): void }>();
  const child = <T extends { inc(): void } | { observe(value: number): void }>(
    key: string,
    make: () => T,
  ): T => {
    let found = children.get(key) as T | undefined;
    if (found === undefined) children.set(key, (found = make()));
    return found;
  };
  return {
    registry,
    contentType: registry.contentType,
    observeCall(sample) {
      const outcome = sample.success ? 'success' : 'failure';
      child(`c\0${sample.kind}\0${outcome}`, () => calls.labels(sample.kind, outcome)).inc();
      child(`d\0${sample.kind}`, () => callSeconds.labels(sample.kind)).observe(sample.responseTime);
    },
    observeHttp(method, route, status, seconds) {
      child(`h\0${method}\0${route}\0${status}`, () =>
        httpSeconds.labels(method, route, String(status)),
      ).observe(seconds);
    },
    render: () => registry.metrics(),
  };
}
