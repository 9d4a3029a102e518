// RedisEventBus: the EventBus contract over a real Redis, a Redis that is down, and connections that drop.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { BusMessage } from '../../../src/cache/event-bus.js';
import { RedisEventBus } from '../../../src/cache/redis-event-bus.js';
import { eventBusContract } from './event-bus-contract.js';
import { sharedBusDeployment } from './shared-bus-deployment.js';

const redisUrl = inject('redisUrl');
/** A prefix per deployment: other suites (and other runs) on the same Redis never hear these messages. */
const newPrefix = () => `mcpgw:test:${randomUUID()}:bus:`;

describe.skipIf(redisUrl === '')('RedisEventBus on a real Redis', () => {
  eventBusContract('redis', () => {
    const channelPrefix = newPrefix();
    return sharedBusDeployment(
      (onError) => new RedisEventBus({ url: redisUrl, channelPrefix, ...(onError ? { onError } : {}) }),
    );
  });

  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(redisUrl);
  });
  afterAll(async () => {
    await admin.quit();
  });

  it('carries topics of any characters, on one channel per topic under the prefix', async () => {
    const channelPrefix = newPrefix();
    const bus = new RedisEventBus({ url: redisUrl, channelPrefix });
    const got: BusMessage[] = [];
    const topic = 'session:ü *?[x] "quoted"';
    bus.subscribe(topic, (m) => got.push(m));
    await bus.publish(topic, { ok: true });
    await vi.waitFor(() => expect(got).toHaveLength(1));
    expect(got[0]).toEqual({ topic, origin: bus.instanceId, payload: { ok: true } });
    expect(await admin.pubsub('CHANNELS', `${channelPrefix}*`)).toEqual([`${channelPrefix}${topic}`]);
    await bus.close();
  });

  it('resubscribes by itself after its connections are cut, and delivers again', async () => {
    const channelPrefix = newPrefix();
    const errors: unknown[] = [];
    const a = new RedisEventBus({ url: redisUrl, channelPrefix, onError: (e) => errors.push(e) });
    const b = new RedisEventBus({ url: redisUrl, channelPrefix });
    const atA: BusMessage[] = [];
    a.subscribe('registry', (m) => atA.push(m));
    await a.ready();
    await b.publish('registry', 'before');
    await vi.waitFor(() => expect(atA.map((m) => m.payload)).toEqual(['before']));

    // Both of a's connections (they carry its instance id as their name), as a Redis restart would cut them.
    const clients = (await admin.client('LIST')) as string;
    const ids = clients
      .split('\n')
      .filter((line) => line.includes(`name=mcpgw-bus-${a.instanceId}`))
      .map((line) => /\bid=(\d+)/.exec(line)?.[1]);
    expect(ids).toHaveLength(2);
    for (const id of ids) await admin.client('KILL', 'ID', id!);

    await vi.waitFor(
      async () => {
        await b.publish('registry', 'after');
        expect(atA.map((m) => m.payload)).toContain('after');
      },
      { timeout: 5000, interval: 100 },
    );
    await a.publish('registry', 'from a again');
    await vi.waitFor(() => expect(atA.map((m) => m.payload)).toContain('from a again'));
    await a.close();
    await b.close();
  });
});

describe('RedisEventBus without a reachable Redis', () => {
  it('rejects a publish as unavailable (503), naming REDIS_URL, and still closes', async () => {
    // Port 1 on localhost: nothing listens, so every connection attempt is refused at once.
    const bus = new RedisEventBus({ url: 'redis://127.0.0.1:1/0', onError: () => undefined });
    bus.subscribe('registry', () => undefined);
    await expect(bus.publish('registry', 'x')).rejects.toMatchObject({
      code: 'Unavailable',
      message: expect.stringContaining('REDIS_URL=redis://127.0.0.1:1/0') as unknown,
    });
    await bus.close();
  });
});
