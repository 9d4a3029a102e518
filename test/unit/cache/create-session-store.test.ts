// createSessionStore: CACHE_TYPE picks where MCP sessions live.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSessionStore } from '../../../src/cache/create-session-store.js';
import { DatabaseSessionStore } from '../../../src/cache/database-session-store.js';
import { MemorySessionStore } from '../../../src/cache/memory-session-store.js';
import { RedisSessionStore } from '../../../src/cache/redis-session-store.js';
import { testConfig } from '../../../src/config/load.js';
import { backends, type TestStore } from '../../helpers/backends.js';

const redisUrl = inject('redisUrl');

describe('createSessionStore', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await backends()[0]!.open();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it.each([
    { cacheType: 'memory', kind: MemorySessionStore },
    { cacheType: 'none', kind: MemorySessionStore },
    { cacheType: 'database', kind: DatabaseSessionStore },
  ])('CACHE_TYPE=$cacheType keeps sessions in a $kind.name', async ({ cacheType, kind }) => {
    const sessions = createSessionStore({ config: testConfig({ CACHE_TYPE: cacheType }), store: t.store });
    expect(sessions).toBeInstanceOf(kind);
    await sessions.close();
  });

  it('CACHE_TYPE=database writes sessions to the app’s database', async () => {
    const sessions = createSessionStore({ config: testConfig({ CACHE_TYPE: 'database' }), store: t.store });
    const s = await sessions.create({ subject: 'alice', serverId: null, transport: 'streamable-http' });
    const row = await t.store.db
      .selectFrom('mcp_sessions')
      .select('session_id')
      .where('session_id', '=', s.id)
      .executeTakeFirst();
    expect(row?.session_id).toBe(s.id);
    await sessions.close();
  });

  it.skipIf(redisUrl === '')('CACHE_TYPE=redis connects to REDIS_URL', async () => {
    const sessions = createSessionStore({
      config: testConfig({ CACHE_TYPE: 'redis', REDIS_URL: redisUrl }),
      store: t.store,
    });
    expect(sessions).toBeInstanceOf(RedisSessionStore);
    const s = await sessions.create({ subject: 'factory-test', serverId: null, transport: 'ws' });
    expect((await sessions.get(s.id))?.subject).toBe('factory-test');
    await sessions.delete(s.id);
    await sessions.close();
  });
});
