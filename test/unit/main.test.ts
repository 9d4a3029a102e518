// startGateway: a required backend that is down at start is named in a warning, and the gateway still starts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { testConfig } from '../../src/config/load.js';
import { startGateway } from '../../src/main.js';

describe('startGateway', () => {
  it('warns naming REDIS_URL when CACHE_TYPE=redis and Redis is down, and /ready says 503', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpgw-main-'));
    const config = testConfig({
      PORT: '0',
      DATABASE_URL: `sqlite:///${join(dir, 'mcp.db')}`,
      CACHE_TYPE: 'redis',
      REDIS_URL: 'redis://127.0.0.1:1/0',
    });
    const warnings: string[] = [];
    const gateway = await startGateway({ config, logger: false, warn: (m) => warnings.push(m) });
    try {
      await vi.waitFor(() => expect(warnings).toHaveLength(1), { timeout: 5000 });
      expect(warnings[0]).toMatch(
        /REDIS_URL=redis:\/\/127\.0\.0\.1:1\/0 did not answer .*\/ready answers 503/,
      );
      expect((await fetch(`${gateway.url}/ready`)).status).toBe(503);
    } finally {
      await gateway.close();
    }
  }, 30_000);
});
