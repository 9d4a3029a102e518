// PostgresEventBus: the EventBus between instances sharing one PostgreSQL database, over LISTEN/NOTIFY (no Redis needed).
import { AppError, isAppError } from '../errors/app-error.js';
import { newId } from '../lib/ids.js';
import { redactUrl, type Store } from '../store/db.js';
import { MAX_NOTIFY_BYTES, PgNotifyChannel } from '../store/pg-notify-channel.js';
import { EventBusPayloadsRepo } from '../store/repos/event-bus-payloads.js';
import type { BusHandler, BusMessage, BusPayload, EventBus } from './event-bus.js';
import { TopicHandlers } from './topic-handlers.js';

/** What one notification carries: the message itself, or the id of the row holding a message too large for it. */
type Envelope = { o: string; t: string; p: BusPayload } | { ref: number };

/** Large payloads are read within moments; rows this old are removed. */
const PAYLOAD_RETENTION_MS = 5 * 60_000;
const PRUNE_EVERY_MS = 60_000;

export interface PostgresEventBusOptions {
  /** The PostgreSQL connection string of DATABASE_URL; the bus opens one connection of its own on it. */
  url: string;
  /** The app's store: messages over NOTIFY's size limit are written to and read from it. */
  store: Pick<Store, 'db'>;
  onError?: (error: unknown, message?: BusMessage) => void;
  now?: () => number;
}

export class PostgresEventBus implements EventBus {
  readonly instanceId = newId();
  readonly #opts: PostgresEventBusOptions;
  readonly #handlers: TopicHandlers;
  readonly #channel: PgNotifyChannel;
  readonly #payloads: EventBusPayloadsRepo;
  readonly #now: () => number;
  /** Publishes go out in call order: each waits until the one before it was handed to the connection. */
  #sending: Promise<unknown> = Promise.resolve();
  /** Notifications are delivered in arrival order, a large one only once its row is read. */
  #receiving: Promise<void> = Promise.resolve();
  #lastPrune = 0;
  #closed = false;

  constructor(opts: PostgresEventBusOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#handlers = new TopicHandlers(opts.onError);
    this.#payloads = new EventBusPayloadsRepo(opts.store);
    this.#channel = new PgNotifyChannel({
      url: opts.url,
      applicationName: `mcpgw-bus-${this.instanceId}`,
      onNotification: (text) => this.#received(text),
      ...(opts.onError ? { onError: (error: unknown) => opts.onError?.(error) } : {}),
    });
  }

  /** Resolves once this instance is listening: messages published from then on reach it. */
  ready(): Promise<void> {
    return this.#channel.ready();
  }

  publish(topic: string, payload: BusPayload): Promise<void> {
    if (this.#closed)
      return Promise.reject(new AppError({ code: 'Unavailable', message: 'The event bus is closed' }));
    const text = JSON.stringify({ o: this.instanceId, t: topic, p: payload } satisfies Envelope);
    const turn = this.#sending.then(() => this.#issue(text));
    this.#sending = turn.catch(() => undefined);
    return turn.then(({ sent }) => sent);
  }

  subscribe(topic: string, handler: BusHandler): () => void {
    return this.#handlers.add(topic, handler);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#handlers.clear();
    await this.#channel.close();
  }

  /** Hands the notification to the connection (writing the row first when it is too large) without awaiting its reply. */
  async #issue(text: string): Promise<{ sent: Promise<void> }> {
    if (Buffer.byteLength(text) <= MAX_NOTIFY_BYTES) return { sent: this.#channel.notify(text) };
    const id = await this.#database(() => this.#payloads.insert(text, new Date(this.#now()).toISOString()));
    this.#prune();
    return { sent: this.#channel.notify(JSON.stringify({ ref: id } satisfies Envelope)) };
  }

  #received(text: string): void {
    this.#receiving = this.#receiving.then(async () => {
      try {
        const envelope = await this.#open(JSON.parse(text) as Envelope);
        if (envelope !== undefined && !this.#closed)
          this.#handlers.deliver({ topic: envelope.t, origin: envelope.o, payload: envelope.p });
      } catch (error) {
        this.#opts.onError?.(error);
      }
    });
  }

  async #open(envelope: Envelope): Promise<Exclude<Envelope, { ref: number }> | undefined> {
    if (!('ref' in envelope)) return envelope;
    const content = await this.#database(() => this.#payloads.content(envelope.ref));
    // Only rows older than PAYLOAD_RETENTION_MS are pruned: a missing one was never there for us to read.
    if (content === undefined) throw new Error(`Event bus payload ${envelope.ref} is gone (pruned?)`);
    return JSON.parse(content) as Exclude<Envelope, { ref: number }>;
  }

  /** At most once a minute per instance, off the publish path: failures only reach the log. */
  #prune(): void {
    const now = this.#now();
    if (now - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.#lastPrune = now;
    const cutoff = new Date(now - PAYLOAD_RETENTION_MS).toISOString();
    this.#payloads.pruneBefore(cutoff).catch((error: unknown) => this.#opts.onError?.(error));
  }

  async #database<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isAppError(error)) throw error;
      throw new AppError({
        code: 'Unavailable',
        message: `Event bus unavailable: PostgreSQL at DATABASE_URL=${redactUrl(this.#opts.url)} did not take a large message (${error instanceof Error ? error.message : String(error)})`,
        cause: error,
      });
    }
  }
}
