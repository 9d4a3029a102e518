// MemoryEventBus: the in-process EventBus; instances made over one MemoryBroker stand in for several gateways.
import { AppError } from '../errors/app-error.js';
import { newId } from '../lib/ids.js';
import type { BusHandler, BusMessage, BusPayload, EventBus } from './event-bus.js';

interface Subscription {
  readonly bus: MemoryEventBus;
  readonly handler: BusHandler;
}

/** What the instances of one deployment share: the subscribers of each topic. */
export class MemoryBroker {
  readonly #topics = new Map<string, Set<Subscription>>();

  add(topic: string, subscription: Subscription): () => void {
    let subs = this.#topics.get(topic);
    if (subs === undefined) this.#topics.set(topic, (subs = new Set()));
    subs.add(subscription);
    return () => {
      subs.delete(subscription);
      if (subs.size === 0) this.#topics.delete(topic);
    };
  }

  /** Queued as a microtask: publishers never run handlers re-entrantly, and order is publish order. */
  send(message: BusMessage): void {
    const subs = this.#topics.get(message.topic);
    if (subs === undefined) return;
    const text = JSON.stringify(message.payload);
    for (const sub of [...subs])
      queueMicrotask(() => sub.bus.deliver(sub, { ...message, payload: JSON.parse(text) as BusPayload }));
  }
}

export interface MemoryEventBusOptions {
  /** Shared with other buses to simulate instances of one deployment; a private broker by default. */
  broker?: MemoryBroker;
  onError?: (error: unknown, message: BusMessage) => void;
}

export class MemoryEventBus implements EventBus {
  readonly instanceId = newId();
  readonly #broker: MemoryBroker;
  readonly #subscriptions = new Map<Subscription, () => void>();
  #closed = false;

  constructor(private readonly opts: MemoryEventBusOptions = {}) {
    this.#broker = opts.broker ?? new MemoryBroker();
  }

  publish(topic: string, payload: BusPayload): Promise<void> {
    if (this.#closed)
      return Promise.reject(new AppError({ code: 'Unavailable', message: 'The event bus is closed' }));
    this.#broker.send({ topic, payload, origin: this.instanceId });
    return Promise.resolve();
  }

  subscribe(topic: string, handler: BusHandler): () => void {
    const subscription: Subscription = { bus: this, handler };
    const remove = this.#broker.add(topic, subscription);
    this.#subscriptions.set(subscription, remove);
    return () => {
      this.#subscriptions.delete(subscription);
      remove();
    };
  }

  /** Called by the broker: drops messages for handlers unsubscribed while the message was queued. */
  deliver(subscription: Subscription, message: BusMessage): void {
    if (!this.#subscriptions.has(subscription)) return;
    try {
      subscription.handler(message);
    } catch (error) {
      this.opts.onError?.(error, message);
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    for (const remove of this.#subscriptions.values()) remove();
    this.#subscriptions.clear();
    return Promise.resolve();
  }
}
