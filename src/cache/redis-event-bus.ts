// RedisEventBus: the EventBus between instances sharing one Redis, over pub/sub (a channel per topic).
import { Redis } from 'ioredis';
import { AppError } from '../errors/app-error.js';
import { newId } from '../lib/ids.js';
import type { BusHandler, BusMessage, BusPayload, EventBus } from './event-bus.js';
import { TopicHandlers } from './topic-handlers.js';

export const DEFAULT_BUS_CHANNEL_PREFIX = 'mcpgw:bus:';

/** How long a publish waits for this instance's own SUBSCRIBEs to be confirmed, so it hears its own message. */
const SUBSCRIBE_WAIT_MS = 1000;

export interface RedisEventBusOptions {
  url: string;
  /** Every channel starts with it; tests use one per deployment so parallel runs never meet. */
  channelPrefix?: string;
  onError?: (error: unknown, message?: BusMessage) => void;
}

interface Wire {
  origin: string;
  payload: BusPayload;
}

export class RedisEventBus implements EventBus {
  readonly instanceId = newId();
  readonly #prefix: string;
  readonly #where: string;
  readonly #handlers: TopicHandlers;
  readonly #pub: Redis;
  /** In subscriber mode; ioredis re-subscribes its channels when it reconnects. */
  readonly #sub: Redis;
  /** SUBSCRIBEs sent and not yet confirmed. */
  readonly #pending = new Set<Promise<unknown>>();
  /** Publishes are handed to the connection in call order, each after the SUBSCRIBEs sent before it. */
  #sending: Promise<unknown> = Promise.resolve();
  #pubReadyOnce = false;
  #subReadyOnce = false;
  #connectionError: Error | undefined;
  #closed = false;

  constructor(private readonly opts: RedisEventBusOptions) {
    this.#prefix = opts.channelPrefix ?? DEFAULT_BUS_CHANNEL_PREFIX;
    this.#where = opts.url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
    this.#handlers = new TopicHandlers(opts.onError, {
      first: (topic) => this.#track(this.#sub.subscribe(this.#prefix + topic)),
      last: (topic) => void this.#sub.unsubscribe(this.#prefix + topic).catch(() => undefined),
    });
    // A publish while Redis is down fails within a few hundred milliseconds; subscriptions wait for Redis.
    // Named after the instance, so CLIENT LIST tells an operator whose connections these are.
    const connectionName = `mcpgw-bus-${this.instanceId}`;
    this.#pub = new Redis(opts.url, { maxRetriesPerRequest: 2, connectionName });
    this.#sub = new Redis(opts.url, { maxRetriesPerRequest: null, connectionName });
    for (const connection of [this.#pub, this.#sub])
      connection.on('error', (error: Error) => {
        this.#connectionError = error;
        opts.onError?.(error);
      });
    this.#pub.on('ready', () => {
      this.#pubReadyOnce = true;
      this.#connectionError = undefined;
    });
    this.#sub.on('ready', () => {
      this.#subReadyOnce = true;
    });
    this.#sub.on('message', (channel: string, text: string) => this.#received(channel, text));
  }

  /** Resolves once every SUBSCRIBE sent so far is confirmed: messages published from then on reach this instance. */
  async ready(): Promise<void> {
    while (this.#pending.size > 0 && !this.#closed) await Promise.allSettled([...this.#pending]);
  }

  publish(topic: string, payload: BusPayload): Promise<void> {
    if (this.#closed)
      return Promise.reject(new AppError({ code: 'Unavailable', message: 'The event bus is closed' }));
    const text = JSON.stringify({ origin: this.instanceId, payload } satisfies Wire);
    // Waiting does not help once the subscriber connection was lost: a Redis that is down fails the publish anyway.
    const subscriberLost = this.#subReadyOnce && this.#sub.status !== 'ready';
    const subscribed =
      this.#pending.size === 0 || subscriberLost ? undefined : waitAtMost(this.ready(), SUBSCRIBE_WAIT_MS);
    const turn = this.#sending.then(async () => {
      if (subscribed !== undefined) await subscribed;
      return { sent: this.#send(this.#prefix + topic, text) };
    });
    this.#sending = turn.catch(() => undefined);
    return turn.then(({ sent }) => sent);
  }

  subscribe(topic: string, handler: BusHandler): () => void {
    return this.#handlers.add(topic, handler);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers.clear();
    await Promise.all([quit(this.#pub), quit(this.#sub)]);
  }

  async #send(channel: string, text: string): Promise<void> {
    // Once connected, a lost connection fails publishes at once instead of queueing them for later.
    if (this.#pubReadyOnce && this.#pub.status !== 'ready') throw this.#unavailable(this.#connectionError);
    try {
      await this.#pub.publish(channel, text);
    } catch (error) {
      throw this.#unavailable(
        error instanceof Error && error.name === 'MaxRetriesPerRequestError'
          ? (this.#connectionError ?? error)
          : error,
      );
    }
  }

  #track(subscribing: Promise<unknown>): void {
    const settled = subscribing.catch((error: unknown) => this.opts.onError?.(error));
    this.#pending.add(settled);
    void settled.finally(() => this.#pending.delete(settled));
  }

  #received(channel: string, text: string): void {
    if (this.#closed || !channel.startsWith(this.#prefix)) return;
    try {
      const wire = JSON.parse(text) as Wire;
      this.#handlers.deliver({
        topic: channel.slice(this.#prefix.length),
        origin: wire.origin,
        payload: wire.payload,
      });
    } catch (error) {
      this.opts.onError?.(error);
    }
  }

  #unavailable(cause: unknown): AppError {
    const reason = cause instanceof Error ? cause.message : 'not connected';
    return new AppError({
      code: 'Unavailable',
      message: `Event bus unavailable: Redis at REDIS_URL=${this.#where} did not answer (${reason}); it reconnects by itself`,
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** quit() waits for pending replies, but would wait on a connection that never came up: drop it instead. */
async function quit(connection: Redis): Promise<void> {
  if (connection.status === 'end') return;
  if (connection.status !== 'ready') return connection.disconnect();
  await connection.quit().catch(() => connection.disconnect());
}
