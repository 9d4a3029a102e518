import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectUpstream } from '../../../../src/federation/connect.js';
import {
  HealthChecker,
  type HealthCheckerOptions,
} from '../../../../src/federation/health/health-checker.js';
import { Lease } from '../../../../src/store/lease.js';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';
import { startMutableUpstream, type MutableUpstream } from '../../../fixtures/federation/mutable-upstream.js';

for (const backend of backends()) {
  describe(`health checks (${backend.name})`, () => {
    let t: TestApp;
    let up: MutableUpstream;
    let port: number;
    let gatewayId: string;
    const checkers: HealthChecker[] = [];

    const checker = (instanceId: string, over: Partial<HealthCheckerOptions> = {}) => {
      const made = new HealthChecker({
        gateways: t.registry.gateways,
        lease: new Lease({
          db: t.testStore.store.db,
          name: 'health-checks',
          holder: instanceId,
          ttlMs: 180_000,
        }),
        connect: (spec) =>
          connectUpstream(spec, { http: t.services.http, stdio: t.services.stdio, oauth: t.services.oauth }),
        intervalMs: 60_000,
        unhealthyThreshold: 2,
        checkTimeoutMs: 2_000,
        ...over,
      });
      checkers.push(made);
      return made;
    };
    const gateway = async () =>
      (await t.call('GET', `/gateways/${gatewayId}`)).json<{ reachable: boolean; lastSeen: string | null }>();
    const toolFlags = async () =>
      (await t.call('GET', `/tools?gateway_id=${gatewayId}`))
        .json<Array<{ reachable: boolean }>>()
        .map((x) => x.reachable);

    beforeAll(async () => {
      up = await startMutableUpstream();
      port = up.port;
      t = await buildTestApp(backend, { SSRF_ALLOW_LOCALHOST: 'true' });
      const res = await t.call('POST', '/gateways', { name: 'watched', url: up.url });
      expect(res.statusCode, res.body).toBe(201);
      gatewayId = res.json().id as string;
    });
    afterAll(async () => {
      await Promise.all(checkers.map((c) => c.stop()));
      await t.close();
      await up.close();
    });

    it('marks a gateway and its tools unreachable after the threshold, and reachable again when it is back', async () => {
      const a = checker('instance-a');
      expect(await a.runOnce()).toEqual({ leader: true, checked: 1 });
      const seen = (await gateway()).lastSeen ?? '';
      expect(seen).toEqual(expect.any(String));

      await up.close();
      await a.runOnce();
      expect((await gateway()).reachable).toBe(true); // one failure is below UNHEALTHY_THRESHOLD=2
      await a.runOnce();
      expect((await gateway()).reachable).toBe(false);
      expect(await toolFlags()).toEqual([false, false]);
      expect((await gateway()).lastSeen).toBe(seen);

      up = await startMutableUpstream({ port }); // the same address, a new process: old sessions are gone
      await a.runOnce();
      const back = await gateway();
      expect(back.reachable).toBe(true);
      expect((back.lastSeen ?? '') > seen).toBe(true);
      expect(await toolFlags()).toEqual([true, true]);
      await a.stop(); // gives the lease up for the next tests
    });

    it('lets only the lease holder check when instances share the database, and hands over on stop', async () => {
      const a = checker('instance-a2');
      const b = checker('instance-b');
      const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
      expect([ra.leader, rb.leader].filter(Boolean)).toHaveLength(1);
      const [leader, follower] = ra.leader ? [a, b] : [b, a];
      expect((await follower.runOnce()).leader).toBe(false);
      expect((await leader.runOnce()).leader).toBe(true); // renewing keeps it
      await leader.stop();
      expect(await follower.runOnce()).toEqual({ leader: true, checked: 1 });
      await follower.stop();
    });

    it('runs by itself every interval once started', async () => {
      const c = checker('instance-timer', { intervalMs: 20, unhealthyThreshold: 1 });
      c.start();
      await up.close();
      await vi.waitFor(async () => expect((await gateway()).reachable).toBe(false), { timeout: 10_000 });
      up = await startMutableUpstream({ port });
      await vi.waitFor(async () => expect((await gateway()).reachable).toBe(true), { timeout: 10_000 });
      await c.stop();
    });
  });
}
