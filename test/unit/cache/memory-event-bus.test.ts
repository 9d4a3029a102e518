import { MemoryBroker, MemoryEventBus } from '../../../src/cache/memory-event-bus.js';
import { eventBusContract } from './event-bus-contract.js';

eventBusContract('memory', () => {
  const broker = new MemoryBroker();
  return {
    instance: (onError) => new MemoryEventBus({ broker, ...(onError ? { onError } : {}) }),
    close: () => Promise.resolve(),
  };
});
