// createSessionStore: picks the SessionStore backend named by CACHE_TYPE.
import type { Config } from '../config/load.js';
import type { Store } from '../store/db.js';
import { DatabaseSessionStore } from './database-session-store.js';
import { MemorySessionStore } from './memory-session-store.js';
import { RedisSessionStore } from './redis-session-store.js';
import type { SessionStore } from './session-store.js';

export interface CreateSessionStoreOptions {
  config: Pick<Config, 'cacheType' | 'redisUrl' | 'sessionTtl'>;
  /** The app's store, used (never closed) when CACHE_TYPE=database. */
  store: Store;
  /** Redis connection errors, for the log; the failing call also rejects with a 503. */
  onRedisError?: (error: unknown) => void;
}

export function createSessionStore(opts: CreateSessionStoreOptions): SessionStore {
  const { config } = opts;
  const ttlSeconds = config.sessionTtl;
  switch (config.cacheType) {
    case 'database':
      return new DatabaseSessionStore({ store: opts.store, ttlSeconds });
    case 'redis':
      return new RedisSessionStore({ url: config.redisUrl, ttlSeconds, onError: opts.onRedisError });
    case 'memory':
    case 'none':
      // Sessions must live somewhere: "none" means nothing shared, which is what process memory is.
      return new MemorySessionStore({ ttlSeconds });
  }
}
