// PgNotifyChannel: one PostgreSQL LISTEN/NOTIFY channel on a dedicated connection that reconnects (with backoff) and re-LISTENs by itself.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { AppError } from '../errors/app-error.js';
import { redactUrl } from './db.js';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more (default build). */
export const MAX_NOTIFY_BYTES = 7999;

export interface PgNotifyChannelOptions {
  /** The PostgreSQL connection string (DATABASE_URL's target, search_path options included). */
  url: string;
  /** application_name of the connection, so pg_stat_activity tells an operator whose it is. */
  applicationName?: string;
  /** Every payload notified on the channel, by any connection (this one's too), in arrival order. */
  onNotification: (payload: string) => void;
  /** Lost connections and failed reconnection attempts, for the log. */
  onError?: (error: unknown) => void;
  /** The first and the longest wait between reconnection attempts; doubles in between. */
  backoffMs?: { min: number; max: number };
}

/**
 * The channel is named after the connection's schema (hashed: channel names are identifiers of at most 63
 * bytes): gateways sharing a registry share the channel, and deployments in other schemas of the same
 * database never hear each other.
 */
function channelName(schema: string): string {
  return `mcpgateway_bus_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
}

export class PgNotifyChannel {
  readonly #opts: PgNotifyChannelOptions;
  readonly #where: string;
  #client: pg.Client | undefined;
  #channel: string | undefined;
  /** The connection attempt under way, if any. */
  #connecting: Promise<void> | undefined;
  #everConnected = false;
  #lastError: unknown;
  #attempts = 0;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(opts: PgNotifyChannelOptions) {
    this.#opts = opts;
    this.#where = redactUrl(opts.url);
    this.#connect();
  }

  /** Resolves once the channel is listening (at once when it is, or when closed); rejects if this attempt fails. */
  ready(): Promise<void> {
    if (this.#closed || this.#client !== undefined) return Promise.resolve();
    return this.#connecting ?? Promise.reject(this.#unavailable());
  }

  /**
   * Sends `payload` (at most MAX_NOTIFY_BYTES) to every listener. Before the first connection it waits for
   * it; after a lost connection it fails at once, until the reconnection succeeds.
   */
  async notify(payload: string): Promise<void> {
    if (this.#closed) throw new AppError({ code: 'Unavailable', message: 'The event bus is closed' });
    if (this.#client === undefined && !this.#everConnected) await this.ready();
    const client = this.#client;
    if (client === undefined || this.#channel === undefined) throw this.#unavailable();
    try {
      await client.query('select pg_notify($1, $2)', [this.#channel, payload]);
    } catch (error) {
      this.#lastError = error;
      throw this.#unavailable();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.#connecting?.catch(() => undefined);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  #unavailable(): AppError {
    const cause = this.#lastError;
    const reason = cause instanceof Error ? cause.message : 'not connected yet';
    return new AppError({
      code: 'Unavailable',
      message: `Event bus unavailable: PostgreSQL at DATABASE_URL=${this.#where} is not reachable for LISTEN/NOTIFY (${redactUrl(reason)}); it reconnects by itself`,
      ...(cause === undefined ? {} : { cause }),
    });
  }

  #connect(): void {
    const client = new pg.Client({
      connectionString: this.#opts.url,
      keepAlive: true,
      ...(this.#opts.applicationName === undefined ? {} : { application_name: this.#opts.applicationName }),
      connectionTimeoutMillis: 5000,
    });
    // A dedicated connection: errors on it are connection losses, handled by 'end' below.
    client.on('error', (error) => {
      this.#lastError = error;
      this.#opts.onError?.(error);
    });
    client.on('notification', (message) => {
      if (message.channel === this.#channel && message.payload !== undefined)
        this.#opts.onNotification(message.payload);
    });
    const attempt = (async () => {
      await client.connect();
      const { rows } = await client.query<{ schema: string }>('select current_schema() as schema');
      const channel = channelName(rows[0]?.schema ?? 'public');
      await client.query(`listen "${channel}"`);
      return channel;
    })();
    this.#connecting = attempt.then(
      (channel) => {
        this.#connecting = undefined;
        if (this.#closed) return void client.end().catch(() => undefined);
        this.#channel = channel;
        this.#client = client;
        this.#everConnected = true;
        this.#attempts = 0;
        client.once('end', () => this.#lost(client));
      },
      (error: unknown) => {
        this.#connecting = undefined;
        this.#lastError = error;
        void client.end().catch(() => undefined);
        if (!this.#closed) this.#opts.onError?.(error);
        this.#scheduleReconnect();
        throw this.#unavailable();
      },
    );
    // ready() and notify() hand the failure to their callers; nobody else needs to hear it here.
    this.#connecting.catch(() => undefined);
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    const { min, max } = this.#opts.backoffMs ?? { min: 100, max: 5000 };
    const delay = Math.min(max, min * 2 ** this.#attempts);
    this.#attempts += 1;
    this.#retry = setTimeout(() => this.#connect(), delay);
    this.#retry.unref();
  }
}
