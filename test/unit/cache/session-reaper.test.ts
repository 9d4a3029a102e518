// SessionReaper: only the lease holder deletes expired session records, the job moves when it stops, and the count reaches Prometheus.
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseSessionStore } from '../../../src/cache/database-session-store.js';
import { SessionReaper, startSessionReaper } from '../../../src/cache/session-reaper.js';
import { Lease } from '../../../src/store/lease.js';
import { backends, type TestStore } from '../../helpers/backends.js';

for (const backend of backends()) {
  describe(`session reaper (${backend.name})`, () => {
    let t: TestStore;
    const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
    beforeAll(async () => {
      t = await backend.open();
    });
    afterAll(async () => {
      await t.dispose();
    });

    const sessions = () => new DatabaseSessionStore({ store: t.store, ttlSeconds: 60, now: () => clock.now });
    const reaper = (holder: string) =>
      new SessionReaper({
        sessions: sessions(),
        lease: new Lease({ db: t.store.db, name: 'session-reaper', holder, ttlMs: 60_000 }),
        intervalMs: 60_000,
      });
    const stored = async () =>
      (await t.store.db.selectFrom('mcp_sessions').select('session_id').execute()).map((r) => r.session_id);

    it('deletes expired rows on the leader only, and the job moves to another instance when it stops', async () => {
      await t.store.db.deleteFrom('mcp_sessions').execute();
      const store = sessions();
      await store.create({ subject: 'alice', serverId: null, transport: 'sse' });
      clock.now += 61_000;
      const live = await store.create({ subject: 'bob', serverId: null, transport: 'sse' });
      const a = reaper('a');
      const b = reaper('b');
      expect(await a.runOnce()).toEqual({ leader: true, reaped: 1 });
      expect(await b.runOnce()).toEqual({ leader: false, reaped: 0 });
      expect(await stored()).toEqual([live.id]);
      clock.now += 61_000;
      await a.stop();
      expect(await b.runOnce()).toEqual({ leader: true, reaped: 1 });
      expect(await stored()).toEqual([]);
      await b.stop();
    });

    it('counts reaped sessions in mcpgateway_sessions_reaped_total', async () => {
      await t.store.db.deleteFrom('mcp_sessions').execute();
      const store = sessions();
      await store.create({ subject: 'alice', serverId: null, transport: 'ws' });
      await store.create({ subject: 'alice', serverId: null, transport: 'ws' });
      clock.now += 61_000;
      const registry = new Registry();
      const started = startSessionReaper({
        config: { sessionTtl: 60 },
        sessions: store,
        db: t.store.db,
        holder: 'metrics',
        registry,
        log: () => undefined,
      });
      await started.runOnce();
      await started.stop();
      expect(await registry.metrics()).toContain('mcpgateway_sessions_reaped_total 2');
    });
  });
}
