import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { backends } from '../../helpers/backends.js';
import { createMetricsRecorder } from '../../../src/runtime/metrics-recorder.js';
import { metricsFor } from '../../../src/store/repos/metrics.js';

const tool = (id: string, name: string) => ({
  id,
  original_name: name,
  name,
  integration_type: 'REST',
  request_type: 'GET',
  input_schema: '{}',
  headers: '{}',
  annotations: '{}',
  enabled: 1,
  reachable: 1,
  tags: '[]',
  created_at: new Date().toISOString(),
  updated_at: new Date().toISOString(),
});

for (const backend of backends()) {
  describe(`metrics recorder (${backend.name})`, () => {
    it('writes buffered samples on flush and aggregates them per tool', async () => {
      const t = await backend.open();
      const recorder = createMetricsRecorder({ store: t.store, flushIntervalMs: 60_000 });
      try {
        await t.store.db
          .insertInto('tools')
          .values([tool('t1', 'one'), tool('t2', 'two')])
          .execute();
        recorder.record({ kind: 'tool', id: 't1', responseTime: 0.1, success: true });
        recorder.record({ kind: 'tool', id: 't1', responseTime: 0.3, success: false, error: 'boom' });
        recorder.record({ kind: 'tool', id: 't2', responseTime: 0.2, success: true });
        // Nothing is written until the flush: the call path never waits for the database.
        expect((await metricsFor(t.store.db, 'tool', ['t1'])).get('t1')!.totalExecutions).toBe(0);
        await recorder.flush();
        const m = (await metricsFor(t.store.db, 'tool', ['t1', 't2'])).get('t1')!;
        expect(m).toMatchObject({
          totalExecutions: 2,
          successfulExecutions: 1,
          failedExecutions: 1,
          failureRate: 0.5,
        });
        expect(m.minResponseTime).toBeCloseTo(0.1);
        expect(m.maxResponseTime).toBeCloseTo(0.3);
        expect(m.avgResponseTime).toBeCloseTo(0.2);
        expect(m.lastExecutionTime).not.toBeNull();
      } finally {
        await recorder.close();
        await t.dispose();
      }
    });

    it('keeps the samples of live tools when one was deleted before the flush', async () => {
      const t = await backend.open();
      const recorder = createMetricsRecorder({ store: t.store, flushIntervalMs: 60_000 });
      try {
        await t.store.db
          .insertInto('tools')
          .values([tool('a', 'a'), tool('gone', 'gone')])
          .execute();
        recorder.record({ kind: 'tool', id: 'a', responseTime: 0.01, success: true });
        recorder.record({ kind: 'tool', id: 'gone', responseTime: 0.01, success: true });
        await t.store.db.deleteFrom('tools').where('id', '=', 'gone').execute();
        await recorder.close();
        expect((await metricsFor(t.store.db, 'tool', ['a'])).get('a')!.totalExecutions).toBe(1);
      } finally {
        await t.dispose();
      }
    });
  });
}

for (const backend of backends()) {
  describe(`metrics recorder batches (${backend.name})`, () => {
    it('writes every sample of a batch of odd size, stamped when recorded, and drops only the deleted tool', async () => {
      const t = await backend.open();
      const recorder = createMetricsRecorder({ store: t.store, flushIntervalMs: 60_000 });
      try {
        await t.store.db
          .insertInto('tools')
          .values([tool('a', 'a'), tool('b', 'b'), tool('gone', 'gone')])
          .execute();
        const recordedAt = new Date();
        // 127 rows for "a" cut into chunks of 100, 20, 5, 1, 1; "gone" sits in the chunk of 20.
        for (let i = 0; i < 127; i++)
          recorder.record({
            kind: 'tool',
            id: i === 110 ? 'gone' : 'a',
            responseTime: 0.001 * i,
            success: i % 2 === 0,
          });
        recorder.record({
          kind: 'tool',
          id: 'b',
          responseTime: 0.5,
          success: false,
          error: 'x'.repeat(5000),
        });
        await t.store.db.deleteFrom('tools').where('id', '=', 'gone').execute();
        await new Promise((resolve) => setTimeout(resolve, 1100));
        await recorder.flush();
        const m = await metricsFor(t.store.db, 'tool', ['a', 'b']);
        expect(m.get('a')!.totalExecutions).toBe(126);
        expect(m.get('a')!.maxResponseTime).toBeCloseTo(0.126);
        expect(m.get('b')).toMatchObject({ totalExecutions: 1, failedExecutions: 1 });
        const rows = await t.store.db
          .selectFrom('tool_metrics')
          .select(['timestamp', 'error_message'])
          .execute();
        expect(rows).toHaveLength(127);
        // The time of the call, not of the write a second later.
        for (const row of rows) expect(Date.parse(row.timestamp) - recordedAt.getTime()).toBeLessThan(1000);
        expect(rows.find((r) => r.error_message !== null)!.error_message).toHaveLength(1000);
      } finally {
        await recorder.close();
        await t.dispose();
      }
    });
  });
}

for (const backend of backends()) {
  describe(`metrics recorder when the database refuses the write (${backend.name})`, () => {
    it('counts and reports the lost samples, and flush still resolves', async () => {
      const t = await backend.open();
      const failures: Array<{ error: unknown; dropped: number }> = [];
      const recorder = createMetricsRecorder({
        store: t.store,
        flushIntervalMs: 60_000,
        onError: (error, dropped) => failures.push({ error, dropped }),
      });
      try {
        await t.store.db
          .insertInto('tools')
          .values([tool('a', 'a')])
          .execute();
        await sql`drop table tool_metrics`.execute(t.store.db);
        recorder.record({ kind: 'tool', id: 'a', responseTime: 0.01, success: true });
        recorder.record({ kind: 'tool', id: 'a', responseTime: 0.02, success: true });
        await expect(recorder.flush()).resolves.toBeUndefined();
        recorder.record({ kind: 'tool', id: 'a', responseTime: 0.03, success: false });
        await recorder.flush();
        expect(failures.map((f) => f.dropped)).toEqual([2, 3]);
        expect(String(failures[0]!.error)).toMatch(/tool_metrics/);
      } finally {
        await recorder.close();
        await t.dispose();
      }
    });
  });
}
