// TopicHandlers: one instance's handlers by topic, for the buses whose messages arrive from a shared backend.
import type { BusHandler, BusMessage } from './event-bus.js';

export interface TopicHooks {
  /** The topic got its first handler (e.g. SUBSCRIBE its channel). */
  first?: (topic: string) => void;
  /** The topic lost its last handler. */
  last?: (topic: string) => void;
}

export class TopicHandlers {
  readonly #topics = new Map<string, Set<BusHandler>>();

  constructor(
    private readonly onError?: (error: unknown, message: BusMessage) => void,
    private readonly hooks: TopicHooks = {},
  ) {}

  /** Returns the removal function; running it twice is harmless. */
  add(topic: string, handler: BusHandler): () => void {
    // A wrapper per subscription: the same function subscribed twice is two subscriptions, as on the memory bus.
    const entry: BusHandler = (message) => handler(message);
    let handlers = this.#topics.get(topic);
    if (handlers === undefined) {
      this.#topics.set(topic, (handlers = new Set()));
      this.hooks.first?.(topic);
    }
    handlers.add(entry);
    return () => {
      if (!handlers.delete(entry) || handlers.size > 0 || this.#topics.get(topic) !== handlers) return;
      this.#topics.delete(topic);
      this.hooks.last?.(topic);
    };
  }

  /** Each handler gets its own copy of the payload; one that throws is reported and the others still run. */
  deliver(message: BusMessage): void {
    const handlers = this.#topics.get(message.topic);
    if (handlers === undefined) return;
    for (const handler of [...handlers]) {
      // Unsubscribed by an earlier handler of this same message.
      if (!handlers.has(handler)) continue;
      const copy: BusMessage = { ...message, payload: structuredClone(message.payload) };
      try {
        handler(copy);
      } catch (error) {
        this.onError?.(error, copy);
      }
    }
  }

  clear(): void {
    this.#topics.clear();
  }
}
