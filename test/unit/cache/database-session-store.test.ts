// DatabaseSessionStore beyond the contract: what lands in mcp_sessions, expired rows left for the reaper, and the app's store outliving it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseSessionStore } from '../../../src/cache/database-session-store.js';
import { backends, type TestStore } from '../../helpers/backends.js';

for (const backend of backends()) {
  describe(`DatabaseSessionStore (${backend.name})`, () => {
    let t: TestStore;
    const clock = { now: Date.parse('2026-01-02T03:04:05.678Z') };
    const rows = () => t.store.db.selectFrom('mcp_sessions').selectAll().orderBy('created_at').execute();

    beforeAll(async () => {
      t = await backend.open();
    });
    beforeEach(async () => {
      await t.store.db.deleteFrom('mcp_sessions').execute();
    });
    afterAll(async () => {
      await t.dispose();
    });

    it('stores one row per session: ISO timestamps in columns, the record as JSON in data', async () => {
      const store = new DatabaseSessionStore({ store: t.store, ttlSeconds: 60, now: () => clock.now });
      const s = await store.create({ subject: 'alice', serverId: 's1', transport: 'sse' });
      await store.addSubscription(s.id, 'file:///a');
      const [row] = await rows();
      expect(row).toMatchObject({
        session_id: s.id,
        subject: 'alice',
        created_at: '2026-01-02T03:04:05.678Z',
        last_accessed: '2026-01-02T03:04:05.678Z',
      });
      expect(JSON.parse(row!.data!)).toMatchObject({
        subject: 'alice',
        serverId: 's1',
        transport: 'sse',
        subscriptions: ['file:///a'],
      });
      await store.close();
    });

    it('keeps expired rows, invisible, until reaped', async () => {
      const store = new DatabaseSessionStore({ store: t.store, ttlSeconds: 60, now: () => clock.now });
      const idle = await store.create({ subject: 'alice', serverId: null, transport: 'ws' });
      const kept = await store.create({ subject: 'alice', serverId: null, transport: 'ws' });
      clock.now += 45_000;
      await store.touch(kept.id);
      clock.now += 20_000;
      // The first session is now 65 s idle; the kept one 20 s.
      const fresh = await store.create({ subject: 'bob', serverId: null, transport: 'ws' });
      expect(await store.get(idle.id)).toBeUndefined();
      expect(await rows()).toHaveLength(3);
      expect(await store.reapExpired()).toBe(1);
      expect((await rows()).map((r) => r.session_id).sort()).toEqual([kept.id, fresh.id].sort());
      await store.close();
    });

    it('leaves the app’s store open when closed', async () => {
      const store = new DatabaseSessionStore({ store: t.store, ttlSeconds: 60 });
      await store.create({ subject: 'alice', serverId: null, transport: 'ws' });
      await store.close();
      expect(await rows()).toHaveLength(1);
    });
  });
}
