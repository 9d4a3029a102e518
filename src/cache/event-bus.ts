// EventBus: topic messages between the gateway's parts and, once a shared backend carries it, between instances.
/**
 * What a message may carry: JSON values only, so Redis pub/sub and PostgreSQL NOTIFY can carry the same
 * messages the memory bus does.
 */
export type BusPayload =
  null | boolean | number | string | readonly BusPayload[] | { readonly [key: string]: BusPayload };

export interface BusMessage {
  readonly topic: string;
  readonly payload: BusPayload;
  /** The publishing instance's `instanceId`: equal to the receiver's own when it published the message. */
  readonly origin: string;
}

export type BusHandler = (message: BusMessage) => void;

/**
 * Every subscriber of a topic, on every instance sharing the bus (the publisher's included), receives each
 * message published on it once, in the order one publisher published them, as its own copy. A handler that
 * throws is reported through the bus's error hook and does not stop delivery to the others.
 */
export interface EventBus {
  readonly instanceId: string;
  /** Resolves once the message is handed to the bus; delivery to handlers is asynchronous. */
  publish(topic: string, payload: BusPayload): Promise<void>;
  /** Returns the unsubscribe function; after it runs the handler receives nothing more. */
  subscribe(topic: string, handler: BusHandler): () => void;
  /** Stops delivery to this instance's handlers; publishing afterwards is refused. */
  close(): Promise<void>;
}
