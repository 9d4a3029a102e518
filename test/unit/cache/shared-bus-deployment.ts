// A BusDeployment over a shared backend (Redis, PostgreSQL) for the EventBus contract.
import type { BusHandler, BusPayload, EventBus } from '../../../src/cache/event-bus.js';
import type { BusDeployment } from './event-bus-contract.js';

export interface ListeningBus extends EventBus {
  /** Resolves once the bus hears every message published from then on. */
  ready(): Promise<void>;
}

/**
 * Pub/sub reaches only subscribers already listening when a message is sent, and a new instance's connection
 * takes a moment: each publish first waits until every instance of the deployment listens, as gateways that
 * have been up for more than a moment do.
 */
export function sharedBusDeployment(
  make: (onError?: (error: unknown) => void) => ListeningBus,
  close: () => Promise<void> = () => Promise.resolve(),
): BusDeployment {
  const all: ListeningBus[] = [];
  return {
    instance(onError) {
      const bus = make(onError);
      all.push(bus);
      return {
        instanceId: bus.instanceId,
        async publish(topic: string, payload: BusPayload) {
          await Promise.all(all.map((b) => b.ready()));
          return bus.publish(topic, payload);
        },
        subscribe: (topic: string, handler: BusHandler) => bus.subscribe(topic, handler),
        close: () => bus.close(),
      };
    },
    close,
  };
}
