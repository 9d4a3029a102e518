// PostgresEventBus: the EventBus contract over a real PostgreSQL, messages past NOTIFY's 8000 bytes, pruning, lost connections.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BusMessage } from '../../../src/cache/event-bus.js';
import { PostgresEventBus } from '../../../src/cache/postgres-event-bus.js';
import { backends, type TestStore } from '../../helpers/backends.js';
import { eventBusContract } from './event-bus-contract.js';
import { sharedBusDeployment } from './shared-bus-deployment.js';

const postgres = backends().find((b) => b.name === 'postgres');

describe.skipIf(postgres === undefined)('PostgresEventBus on a real PostgreSQL', () => {
  // One schema for the file: the channel is named after it, so parallel suites never hear each other.
  let t: TestStore;
  beforeAll(async () => {
    t = await postgres!.open();
  });
  afterAll(async () => {
    await t.dispose();
  });
  const bus = (opts: { onError?: (error: unknown) => void; now?: () => number } = {}) =>
    new PostgresEventBus({ url: t.url, store: t.store, ...opts });
  const rows = async () =>
    (await t.store.db.selectFrom('event_bus_payloads').select(['id', 'content']).execute()).length;

  eventBusContract('postgres', () => sharedBusDeployment((onError) => bus(onError ? { onError } : {})));

  it('carries a message larger than a NOTIFY allows intact, in order with the small ones around it', async () => {
    const a = bus();
    const b = bus();
    const atB: BusMessage[] = [];
    b.subscribe('session:big', (m) => atB.push(m));
    await Promise.all([a.ready(), b.ready()]);
    const big = { text: 'é'.repeat(20_000), list: [...Array(500).keys()] };
    const before = await rows();
    // Not awaited one by one: the large one's row is written first, and still nothing overtakes it.
    await Promise.all([
      a.publish('session:big', 1),
      a.publish('session:big', big),
      a.publish('session:big', 3),
    ]);
    await vi.waitFor(() => expect(atB).toHaveLength(3));
    expect(atB.map((m) => m.payload)).toEqual([1, big, 3]);
    expect(atB[1]!.origin).toBe(a.instanceId);
    expect(await rows()).toBe(before + 1);
    await a.close();
    await b.close();
  });

  it('prunes stored large messages once they are minutes old', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const a = bus({ now: () => now });
    await a.publish('t', 'x'.repeat(9000));
    const stored = await rows();
    expect(stored).toBeGreaterThan(0);
    now += 10 * 60_000;
    await a.publish('t', 'y'.repeat(9000));
    await vi.waitFor(async () => expect(await rows()).toBe(1));
    await a.close();
  });

  it('reconnects and LISTENs again after its connection is killed', async () => {
    const errors: unknown[] = [];
    const a = bus({ onError: (e) => errors.push(e) });
    const b = bus();
    const atA: BusMessage[] = [];
    a.subscribe('registry', (m) => atA.push(m));
    await Promise.all([a.ready(), b.ready()]);
    await b.publish('registry', 'before');
    await vi.waitFor(() => expect(atA.map((m) => m.payload)).toEqual(['before']));

    const admin = new pg.Client({ connectionString: t.url });
    await admin.connect();
    const killed = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
      [`mcpgw-bus-${a.instanceId}`],
    );
    await admin.end();
    expect(killed.rowCount).toBe(1);

    // While it is down a publish fails at once and says so; once it is back, messages flow both ways again.
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0));
    await vi.waitFor(
      async () => {
        await b.publish('registry', 'after');
        expect(atA.map((m) => m.payload)).toContain('after');
      },
      { timeout: 10_000, interval: 200 },
    );
    await a.publish('registry', 'from a again');
    await vi.waitFor(() => expect(atA.map((m) => m.payload)).toContain('from a again'));
    await a.close();
    await b.close();
  });
});

describe('PostgresEventBus without a reachable PostgreSQL', () => {
  it('rejects a publish as unavailable (503), naming DATABASE_URL without its password', async () => {
    const a = new PostgresEventBus({
      url: 'postgresql://gw:secret@127.0.0.1:1/mcp',
      store: { db: undefined as never },
      onError: () => undefined,
    });
    const error = await a.publish('registry', 'x').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'Unavailable',
      message: expect.stringContaining('DATABASE_URL=postgresql://gw:***@127.0.0.1:1/mcp') as unknown,
    });
    expect((error as Error).message).not.toContain('secret');
    await a.close();
  });
});
