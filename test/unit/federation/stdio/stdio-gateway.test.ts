import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectUpstream } from '../../../../src/federation/connect.js';
import { HealthChecker } from '../../../../src/federation/health/health-checker.js';
import { Lease } from '../../../../src/store/lease.js';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';
import { EVERYTHING_STDIO_ARGV } from '../../../fixtures/federation/everything.js';
import { groupMembers } from '../../../fixtures/cli/spawn-translate.js';

/** A child that starts a grandchild in its group: what a real server behind `npx` looks like. */
const TREE = [
  process.execPath,
  '-e',
  "require('child_process').spawn('sleep', ['600'], { stdio: 'ignore' }); setInterval(() => {}, 1000);",
];
const ALLOWED = { SSRF_ALLOW_LOCALHOST: 'true', STDIO_ALLOWED_COMMANDS: process.execPath };

for (const backend of backends()) {
  describe(`STDIO gateways (${backend.name})`, () => {
    let t: TestApp;
    let health: HealthChecker;
    beforeAll(async () => {
      t = await buildTestApp(backend, ALLOWED);
      health = new HealthChecker({
        gateways: t.registry.gateways,
        lease: new Lease({
          db: t.testStore.store.db,
          name: 'health-checks',
          holder: 'stdio',
          ttlMs: 180_000,
        }),
        connect: (spec) => connectUpstream(spec, { stdio: t.services.stdio }),
        intervalMs: 60_000,
        unhealthyThreshold: 1,
      });
      t.services.federation.onRelease((id) => health.forget(id));
    });
    afterAll(async () => {
      await health.stop();
      await t.close();
    });

    const register = () =>
      t.call('POST', '/gateways', { name: 'everything', transport: 'stdio', command: EVERYTHING_STDIO_ARGV });

    it('discovers a stdio server run by the gateway itself, and leaves no process behind', async () => {
      const res = await register();
      expect(res.statusCode, res.body).toBe(201);
      const gw = res.json();
      expect(gw).toMatchObject({ transport: 'STDIO', command: EVERYTHING_STDIO_ARGV, url: 'stdio:node' });
      expect(gw.serverInfo.name).toBe('mcp-servers/everything');
      const tools = (await t.call('GET', `/tools?gateway_id=${gw.id}`)).json();
      const echo = tools.find((x: { name: string }) => x.name === 'everything-echo');
      expect(echo).toMatchObject({ originalName: 'echo', integrationType: 'MCP', requestType: 'STDIO' });
      expect(t.services.stdio.pidsOf(gw.id)).toEqual([]);
      expect((await t.call('DELETE', `/gateways/${gw.id}`)).statusCode).toBe(200);
    });

    it('refuses executables missing from STDIO_ALLOWED_COMMANDS, naming the variable', async () => {
      const res = await t.call('POST', '/gateways', {
        name: 'py',
        transport: 'STDIO',
        command: ['python3', 'x.py'],
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().detail).toContain(
        `"python3" is not in STDIO_ALLOWED_COMMANDS (allowed: ${process.execPath})`,
      );
    });

    it('reaps the children of a gateway, with their process trees, on disable and on delete', async () => {
      const gw = (await register()).json();
      await health.runOnce(); // the checker keeps one pooled child per stdio gateway
      const pooled = t.services.stdio.pidsOf(gw.id);
      expect(pooled).toHaveLength(1);
      const tree = await t.services.stdio.spawn(gw.id, TREE);
      await expect.poll(() => groupMembers(tree.pid).length).toBe(2);

      await t.call('POST', `/gateways/${gw.id}/state?activate=false`);
      for (const pid of [...pooled, tree.pid]) expect(groupMembers(pid)).toEqual([]);
      expect(t.services.stdio.pidsOf(gw.id)).toEqual([]);

      await t.call('POST', `/gateways/${gw.id}/state?activate=true`);
      await health.runOnce();
      const again = t.services.stdio.pidsOf(gw.id);
      expect(again).toHaveLength(1);
      expect((await t.call('DELETE', `/gateways/${gw.id}`)).statusCode).toBe(200);
      expect(groupMembers(again[0]!)).toEqual([]);
      await expect
        .poll(
          () => {
            try {
              process.kill(-again[0]!, 0);
              return 'alive';
            } catch (error) {
              return (error as NodeJS.ErrnoException).code;
            }
          },
          { timeout: 5000 },
        )
        .toBe('ESRCH');
    });
  });
}

describe('STDIO children on shutdown', () => {
  it('are all reaped when the services close', async () => {
    const t = await buildTestApp(backends()[0]!, ALLOWED);
    const child = await t.services.stdio.spawn('some-gateway', TREE);
    await expect.poll(() => groupMembers(child.pid).length).toBe(2);
    await t.close();
    expect(groupMembers(child.pid)).toEqual([]);
  });
});
