// createEventBus: picks the EventBus backend named by CACHE_TYPE (and, for `database`, the database's dialect).
import type { Config } from '../config/load.js';
import { parseDatabaseUrl, type Store } from '../store/db.js';
import type { BusMessage, EventBus } from './event-bus.js';
import { MemoryEventBus } from './memory-event-bus.js';
import { PostgresEventBus } from './postgres-event-bus.js';
import { RedisEventBus } from './redis-event-bus.js';

export interface CreateEventBusOptions {
  config: Pick<Config, 'cacheType' | 'redisUrl' | 'databaseUrl'>;
  /** The app's store (never closed by the bus): PostgreSQL's LISTEN/NOTIFY bus keeps large messages in it. */
  store: Store;
  /** A message that could not be delivered, a handler that threw, a lost connection: for the log. */
  onError?: (error: unknown, message?: BusMessage) => void;
}

/**
 * CACHE_TYPE=redis: Redis pub/sub. CACHE_TYPE=database on PostgreSQL: LISTEN/NOTIFY, so instances on one
 * database need no Redis. Otherwise (SQLite, memory, none) the bus stays inside this process.
 */
export function createEventBus(opts: CreateEventBusOptions): EventBus {
  const { config, store } = opts;
  const onError = opts.onError ? { onError: opts.onError } : {};
  if (config.cacheType === 'redis') return new RedisEventBus({ url: config.redisUrl, ...onError });
  const database = parseDatabaseUrl(config.databaseUrl);
  // Both: the bus's own connection goes to DATABASE_URL, its large messages through the store.
  if (config.cacheType === 'database' && database.dialect === 'postgres' && store.dialect === 'postgres')
    return new PostgresEventBus({ url: database.target, store, ...onError });
  return new MemoryEventBus(onError);
}
