// LookupCache: the registry reads on every MCP call (tool by name, server scope, gateway record), kept for a short TTL.
import type { RegistryEvents } from './events.js';

export interface LookupCacheOptions {
  /** Any registry change in this process (its events' version moves) drops every entry at once. */
  events: Pick<RegistryEvents, 'version'>;
  /** REGISTRY_CACHE_TTL in milliseconds: bounds how stale a change made by another instance can be. 0: no cache. */
  ttlMs: number;
  /** Entries kept at most; the oldest goes first. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  version: number;
  expiresAt: number;
  value: Promise<unknown>;
}

/**
 * Why: a tools/call used to cost four or five SQL lookups (scope, tool, association, gateway), a quarter of
 * the gateway's CPU under load (bench/mcp-calls --profile). Values are shared between callers: treat them as
 * read-only. Failed loads are not kept.
 */
export class LookupCache {
  readonly #opts: Required<LookupCacheOptions>;
  readonly #entries = new Map<string, Entry>();

  constructor(opts: LookupCacheOptions) {
    this.#opts = { maxEntries: 10_000, now: () => performance.now(), ...opts };
  }

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const { events, ttlMs, now } = this.#opts;
    if (ttlMs <= 0) return load();
    const version = events.version;
    const at = now();
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.version === version && hit.expiresAt > at) return hit.value as Promise<T>;
    const value = load();
    const entry: Entry = { version, expiresAt: at + ttlMs, value };
    this.#entries.delete(key);
    if (this.#entries.size >= this.#opts.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, entry);
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return value;
  }
}
