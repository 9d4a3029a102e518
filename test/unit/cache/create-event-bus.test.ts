// createEventBus: CACHE_TYPE (and the database's dialect) picks the bus.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEventBus } from '../../../src/cache/create-event-bus.js';
import { MemoryEventBus } from '../../../src/cache/memory-event-bus.js';
import { PostgresEventBus } from '../../../src/cache/postgres-event-bus.js';
import { RedisEventBus } from '../../../src/cache/redis-event-bus.js';
import { testConfig } from '../../../src/config/load.js';
import { backends, type TestStore } from '../../helpers/backends.js';

const redisUrl = inject('redisUrl');

for (const backend of backends()) {
  describe(`createEventBus (${backend.name})`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await backend.open();
    });
    afterAll(async () => {
      await t.dispose();
    });

    const shared = backend.name === 'postgres' ? PostgresEventBus : MemoryEventBus;
    it.each([
      { cacheType: 'database', kind: shared },
      { cacheType: 'memory', kind: MemoryEventBus },
      { cacheType: 'none', kind: MemoryEventBus },
    ])('CACHE_TYPE=$cacheType carries messages on a $kind.name', async ({ cacheType, kind }) => {
      const config = testConfig({ CACHE_TYPE: cacheType, DATABASE_URL: t.url });
      const bus = createEventBus({ config, store: t.store });
      expect(bus).toBeInstanceOf(kind);
      const got: unknown[] = [];
      bus.subscribe('registry', (m) => got.push(m.payload));
      await bus.publish('registry', 'hello');
      await expect.poll(() => got).toEqual(['hello']);
      await bus.close();
    });

    it.skipIf(redisUrl === '')('CACHE_TYPE=redis connects to REDIS_URL', async () => {
      const config = testConfig({ CACHE_TYPE: 'redis', REDIS_URL: redisUrl, DATABASE_URL: t.url });
      const bus = createEventBus({ config, store: t.store });
      expect(bus).toBeInstanceOf(RedisEventBus);
      await bus.close();
    });
  });
}
