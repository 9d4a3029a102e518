// The behaviour every EventBus backend promises (src/cache/event-bus.ts); each backend's test runs it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BusMessage, EventBus } from '../../../src/cache/event-bus.js';

export interface BusDeployment {
  /** A new bus on this deployment: one more gateway instance. */
  instance(onError?: (error: unknown) => void): EventBus;
  close(): Promise<void>;
}

const received = (bus: EventBus, topic: string): BusMessage[] => {
  const messages: BusMessage[] = [];
  bus.subscribe(topic, (m) => messages.push(m));
  return messages;
};

export function eventBusContract(name: string, deploy: () => BusDeployment): void {
  describe(`EventBus contract (${name})`, () => {
    let deployment: BusDeployment;
    const buses: EventBus[] = [];
    const instance = (onError?: (error: unknown) => void): EventBus => {
      deployment ??= deploy();
      const bus = deployment.instance(onError);
      buses.push(bus);
      return bus;
    };
    afterEach(async () => {
      for (const bus of buses.splice(0)) await bus.close();
      await deployment?.close();
      deployment = undefined as unknown as BusDeployment;
    });

    it('delivers each message once to every subscriber on every instance, the publisher included, in order', async () => {
      const a = instance();
      const b = instance();
      const atA = received(a, 'registry');
      const atB = received(b, 'registry');
      for (let i = 0; i < 50; i++) await a.publish('registry', { n: i });
      await vi.waitFor(() => expect(atB).toHaveLength(50));
      await vi.waitFor(() => expect(atA).toHaveLength(50));
      expect(atB.map((m) => (m.payload as { n: number }).n)).toEqual([...Array(50).keys()]);
      expect(atA.map((m) => (m.payload as { n: number }).n)).toEqual([...Array(50).keys()]);
      expect(atA.every((m) => m.origin === a.instanceId && m.topic === 'registry')).toBe(true);
      expect(atB[0]!.origin).not.toBe(b.instanceId);
    });

    it('keeps topics apart and gives each receiver its own copy of the payload', async () => {
      const a = instance();
      const one = received(a, 'session:one');
      const two = received(a, 'session:two');
      const payload = { list: [1, 2], nested: { ok: true } };
      await a.publish('session:one', payload);
      await vi.waitFor(() => expect(one).toHaveLength(1));
      expect(two).toHaveLength(0);
      expect(one[0]!.payload).toEqual(payload);
      expect(one[0]!.payload).not.toBe(payload);
    });

    it('stops delivering to a handler once unsubscribed, and to every handler of a closed bus', async () => {
      const a = instance();
      const b = instance();
      const kept: BusMessage[] = [];
      const dropped: BusMessage[] = [];
      a.subscribe('t', (m) => kept.push(m));
      b.subscribe('t', (m) => dropped.push(m))();
      await a.publish('t', 1);
      await vi.waitFor(() => expect(kept).toHaveLength(1));
      expect(dropped).toHaveLength(0);
      await a.close();
      await b.publish('t', 2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(kept).toHaveLength(1);
      await expect(a.publish('t', 3)).rejects.toThrow(/closed/);
    });

    it('reports a throwing handler through the error hook and still delivers to the others', async () => {
      const errors: unknown[] = [];
      const a = instance((error) => errors.push(error));
      const after: BusMessage[] = [];
      a.subscribe('t', () => {
        throw new Error('handler bug');
      });
      a.subscribe('t', (m) => after.push(m));
      await a.publish('t', 'x');
      await a.publish('t', 'y');
      await vi.waitFor(() => expect(after.map((m) => m.payload)).toEqual(['x', 'y']));
      expect(errors).toHaveLength(2);
    });
  });
}
