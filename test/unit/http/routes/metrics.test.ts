import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';

for (const backend of backends()) {
  describe(`metrics routes (${backend.name})`, () => {
    let t: TestApp;
    let toolA: string;
    let toolB: string;
    let server: string;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      toolA = (await t.call('POST', '/tools', { name: 'a', url: 'https://a.example.com' })).json()
        .id as string;
      toolB = (await t.call('POST', '/tools', { name: 'b', url: 'https://b.example.com' })).json()
        .id as string;
      server = (await t.call('POST', '/servers', { name: 's' })).json().id as string;
    });
    afterAll(async () => t.close());

    async function record(): Promise<void> {
      const db = t.testStore.store.db;
      const row = (response_time: number, is_success: number, timestamp: string) => ({
        timestamp,
        response_time,
        is_success,
        error_message: is_success ? null : 'boom',
      });
      await db
        .insertInto('tool_metrics')
        .values([
          { tool_id: toolA, ...row(0.5, 1, '2026-01-01T00:00:01.000Z') },
          { tool_id: toolA, ...row(1.5, 0, '2026-01-01T00:00:03.000Z') },
          { tool_id: toolB, ...row(1, 1, '2026-01-01T00:00:02.000Z') },
        ])
        .execute();
      await db
        .insertInto('server_metrics')
        .values({ server_id: server, ...row(2, 1, '2026-01-01T00:00:04.000Z') })
        .execute();
    }

    it('summarizes every kind', async () => {
      await record();
      const res = await t.call('GET', '/metrics', undefined, t.userToken);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual(['prompts', 'resources', 'servers', 'tools']);
      expect(body.tools).toEqual({
        totalExecutions: 3,
        successfulExecutions: 2,
        failedExecutions: 1,
        failureRate: 1 / 3,
        minResponseTime: 0.5,
        maxResponseTime: 1.5,
        avgResponseTime: 1,
        lastExecutionTime: '2026-01-01T00:00:03.000Z',
      });
      expect(body.servers).toMatchObject({ totalExecutions: 1, avgResponseTime: 2 });
      expect(body.prompts).toMatchObject({ totalExecutions: 0, failureRate: 0, avgResponseTime: null });
      expect((await t.call('GET', `/servers/${server}`)).json().metrics.totalExecutions).toBe(1);
    });

    it('resets one entity, one kind, or everything (admin only)', async () => {
      expect((await t.call('POST', '/metrics/reset', undefined, t.userToken)).statusCode).toBe(403);
      expect((await t.call('POST', `/metrics/reset?id=${toolA}`)).statusCode).toBe(422);
      expect((await t.call('POST', '/metrics/reset?entity=widget')).statusCode).toBe(422);

      const one = await t.call('POST', `/metrics/reset?entity=tool&entity_id=${toolA}`);
      expect(one.json().status).toBe('success');
      expect((await t.call('GET', `/tools/${toolA}`)).json().metrics.totalExecutions).toBe(0);
      expect((await t.call('GET', `/tools/${toolB}`)).json().metrics.totalExecutions).toBe(1);

      await t.call('POST', '/metrics/reset?entity=tools');
      expect((await t.call('GET', '/metrics')).json()).toMatchObject({
        tools: { totalExecutions: 0 },
        servers: { totalExecutions: 1 },
      });

      await record();
      await t.call('POST', '/metrics/reset');
      const after = (await t.call('GET', '/metrics')).json();
      expect([after.tools, after.servers].map((m: { totalExecutions: number }) => m.totalExecutions)).toEqual(
        [0, 0],
      );
    });
  });
}
