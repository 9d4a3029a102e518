// Lease: the leader-only jobs' lock row; one holder at a time on both dialects, taken over once it expires.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lease } from '../../../src/store/lease.js';
import { backends, type TestStore } from '../../helpers/backends.js';

for (const backend of backends()) {
  describe(`lease (${backend.name})`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await backend.open();
    });
    afterAll(async () => {
      await t.dispose();
    });

    it('takes over a lease its holder stopped renewing once it expires', async () => {
      const start = new Date('2030-01-01T00:00:00Z');
      const lease = (holder: string, at: Date) =>
        new Lease({ db: t.store.db, name: 'test-lease', holder, ttlMs: 30_000, now: () => at });
      expect(await lease('dead', start).acquire()).toBe(true);
      expect(await lease('alive', new Date(start.getTime() + 10_000)).acquire()).toBe(false);
      expect(await lease('alive', new Date(start.getTime() + 31_000)).acquire()).toBe(true);
      expect(await lease('dead', new Date(start.getTime() + 32_000)).acquire()).toBe(false);
    });

    it('grants a contested lease to exactly one of many instances at once', async () => {
      const won = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          new Lease({ db: t.store.db, name: 'contested', holder: `i${i}`, ttlMs: 60_000 }).acquire(),
        ),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
    });

    it('gives the lease up on release, so another instance takes it at once', async () => {
      const a = new Lease({ db: t.store.db, name: 'handover', holder: 'a', ttlMs: 60_000 });
      const b = new Lease({ db: t.store.db, name: 'handover', holder: 'b', ttlMs: 60_000 });
      expect(await a.acquire()).toBe(true);
      expect(await b.acquire()).toBe(false);
      await a.release();
      expect(await b.acquire()).toBe(true);
    });
  });
}
