// The conformance fixture passes every server scenario of the pinned official MCP conformance suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConformanceServer, type ConformanceServer } from '../fixtures/conformance-server/index.js';
import { runConformance } from '../helpers/conformance.js';

// A cold npx cache first downloads node@22 and the suite (~1 min); the scenarios then take seconds.
const BUDGET_MS = 240_000;

describe('conformance fixture', () => {
  let server: ConformanceServer;

  beforeAll(async () => {
    server = await startConformanceServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it(
    'passes every scenario of the active server suite',
    async () => {
      const result = await runConformance({ url: server.url, timeoutMs: BUDGET_MS - 10_000 });
      expect(result.failed).toEqual([]);
      expect(result.expected).toEqual([]);
      // The active suite of the pinned release has 30 server scenarios; fewer means the CLI skipped some.
      expect(result.passed).toHaveLength(30);
      expect(result.passed).toEqual(
        expect.arrayContaining(['server-initialize', 'tools-call-sampling', 'dns-rebinding-protection']),
      );
    },
    BUDGET_MS,
  );

  it(
    'passes the pending scenarios too (JSON Schema 2020-12, SSE polling), one CLI run each',
    async () => {
      const scenarios = ['json-schema-2020-12', 'server-sse-polling'];
      const result = await runConformance({ url: server.url, scenarios, timeoutMs: BUDGET_MS - 10_000 });
      expect(result).toEqual({ passed: scenarios, failed: [], expected: [] });
    },
    BUDGET_MS,
  );
});
