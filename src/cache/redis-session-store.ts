// RedisSessionStore: SessionStore in Redis (a hash per session with a sliding TTL, a sorted set per subject), shared by every instance.
import { createHash, randomUUID } from 'node:crypto';
import { Redis, type ChainableCommander } from 'ioredis';
import { AppError, isAppError } from '../errors/app-error.js';
import { decodeSessionHash, encodeSessionFields, newSessionRecord } from './session-record-codec.js';
import type {
  NewSession,
  SessionPatch,
  SessionPurgeFilter,
  SessionRecord,
  SessionStore,
} from './session-store.js';

export const DEFAULT_SESSION_KEY_PREFIX = 'mcpgw:session:';

export interface RedisSessionStoreOptions {
  url: string;
  ttlSeconds: number;
  /** Every key starts with it; tests use one per suite so parallel runs never meet. */
  keyPrefix?: string;
  /** Clock in epoch milliseconds; tests pass a fake one instead of waiting. */
  now?: () => number;
  /** Connection errors (the failing command also rejects); without a listener ioredis would print them. */
  onError?: (error: unknown) => void;
}

/**
 * Changes a live session atomically (so concurrent requests on any instance never lose each other's
 * writes), marks it used and slides its TTL. Returns the whole hash, or nil when unknown or expired.
 * KEYS: record hash. ARGV: cutoff ms, now ms, TTL ms, op, then op arguments:
 * patch → field/JSON pairs; subscribe, unsubscribe → the URI; touch → none.
 */
const MODIFY_SCRIPT = `
local last = redis.call('HGET', KEYS[1], 'lastAccessedAt')
if not last or tonumber(last) <= tonumber(ARGV[1]) then return false end
local op = ARGV[4]
if op == 'patch' then
  for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
elseif op == 'subscribe' or op == 'unsubscribe' then
  local out, found = {}, false
  for _, uri in ipairs(cjson.decode(redis.call('HGET', KEYS[1], 'subscriptions'))) do
    if uri == ARGV[5] then found = true end
    if uri ~= ARGV[5] or op == 'subscribe' then table.insert(out, uri) end
  end
  if op == 'subscribe' and not found then table.insert(out, ARGV[5]) end
  -- cjson writes an empty table as {}; the field must stay a JSON array
  redis.call('HSET', KEYS[1], 'subscriptions', #out == 0 and '[]' or cjson.encode(out))
end
redis.call('HSET', KEYS[1], 'lastAccessedAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('HGETALL', KEYS[1])
`;
const MODIFY_SHA = createHash('sha1').update(MODIFY_SCRIPT).digest('hex');

const PATCH_FIELDS: readonly (keyof SessionPatch)[] = [
  'protocolVersion',
  'clientInfo',
  'clientCapabilities',
  'logLevel',
];

export class RedisSessionStore implements SessionStore {
  readonly #redis: Redis;
  readonly #ttlMs: number;
  readonly #prefix: string;
  readonly #now: () => number;
  /** REDIS_URL without its password, for messages. */
  readonly #where: string;
  /** Why the connection last failed: more telling than ioredis' "max retries per request" on the command. */
  #connectionError: Error | undefined;

  constructor(opts: RedisSessionStoreOptions) {
    this.#where = opts.url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
    this.#ttlMs = opts.ttlSeconds * 1000;
    this.#prefix = opts.keyPrefix ?? DEFAULT_SESSION_KEY_PREFIX;
    this.#now = opts.now ?? Date.now;
    // Few retries per command: a request should fail with 503 in well under a second when Redis is down,
    // while the client keeps reconnecting in the background.
    this.#redis = new Redis(opts.url, { maxRetriesPerRequest: 2 });
    this.#redis.on('error', (error: Error) => {
      this.#connectionError = error;
      opts.onError?.(error);
    });
    this.#redis.on('ready', () => {
      this.#connectionError = undefined;
    });
  }

  create(init: NewSession): Promise<SessionRecord> {
    return this.#guard(async () => {
      const record = newSessionRecord(randomUUID(), init, this.#now());
      const key = this.#recordKey(record.id);
      const subjectKey = this.#subjectKey(record.subject);
      await execAll(
        this.#redis
          .multi()
          .hset(key, ...encodeSessionFields(record).flat())
          .pexpire(key, this.#ttlMs)
          .zadd(subjectKey, record.lastAccessedAt, record.id)
          .pexpire(subjectKey, this.#ttlMs),
      );
      return record;
    });
  }

  get(id: string): Promise<SessionRecord | undefined> {
    return this.#guard(async () => {
      const hash = toHash(await this.#redis.hgetall(this.#recordKey(id)));
      if (hash.size === 0) return undefined;
      const record = decodeSessionHash(id, hash);
      return this.#live(record) ? record : undefined;
    });
  }

  async touch(id: string): Promise<boolean> {
    return (await this.#modify(id, ['touch'])) !== undefined;
  }

  update(id: string, patch: SessionPatch): Promise<SessionRecord | undefined> {
    const pairs = PATCH_FIELDS.flatMap((field) =>
      patch[field] === undefined ? [] : [field, JSON.stringify(patch[field])],
    );
    return this.#modify(id, ['patch', ...pairs]);
  }

  async addSubscription(id: string, uri: string): Promise<boolean> {
    return (await this.#modify(id, ['subscribe', uri])) !== undefined;
  }

  async removeSubscription(id: string, uri: string): Promise<boolean> {
    return (await this.#modify(id, ['unsubscribe', uri])) !== undefined;
  }

  delete(id: string): Promise<boolean> {
    return this.#guard(async () => {
      const key = this.#recordKey(id);
      const [fields] = await execAll(this.#redis.multi().hgetall(key).del(key));
      const hash = toHash(fields);
      if (hash.size === 0) return false;
      const record = decodeSessionHash(id, hash);
      await this.#redis.zrem(this.#subjectKey(record.subject), id);
      return this.#live(record);
    });
  }

  listByPrincipal(subject: string): Promise<SessionRecord[]> {
    return this.#guard(async () => {
      const subjectKey = this.#subjectKey(subject);
      const ids = await this.#redis.zrange(subjectKey, '0', '-1');
      if (ids.length === 0) return [];
      const pipeline = this.#redis.pipeline();
      for (const id of ids) pipeline.hgetall(this.#recordKey(id));
      const results = await execAll(pipeline);
      const records: SessionRecord[] = [];
      const gone: string[] = [];
      ids.forEach((id, i) => {
        const hash = toHash(results[i]);
        const record = hash.size === 0 ? undefined : decodeSessionHash(id, hash);
        if (record !== undefined && this.#live(record)) records.push(record);
        else gone.push(id);
      });
      // Members whose session expired or was deleted elsewhere; the set would otherwise only shrink at its own TTL.
      if (gone.length > 0) await this.#redis.zrem(subjectKey, ...gone);
      return records.sort((a, b) => a.lastAccessedAt - b.lastAccessedAt || a.id.localeCompare(b.id));
    });
  }

  list(): Promise<SessionRecord[]> {
    return this.#guard(async () =>
      (await this.#scanRecords()).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)),
    );
  }

  purge(filter: SessionPurgeFilter = {}): Promise<number> {
    return this.#guard(async () => {
      const { lastUsedBefore } = filter;
      const victims = (await this.#scanRecords()).filter(
        (record) => lastUsedBefore === undefined || record.lastAccessedAt <= lastUsedBefore,
      );
      let purged = 0;
      for (const record of victims) {
        const [deleted] = await execAll(
          this.#redis
            .multi()
            .del(this.#recordKey(record.id))
            .zrem(this.#subjectKey(record.subject), record.id),
        );
        if (deleted === 1) purged += 1;
      }
      return purged;
    });
  }

  /** Redis expires each session's keys by itself (PEXPIRE on every write): nothing is left to reap. */
  reapExpired(): Promise<number> {
    return Promise.resolve(0);
  }

  async close(): Promise<void> {
    if (this.#redis.status === 'end') return;
    // quit() waits for pending replies, but would wait on a connection that never came up: drop it instead.
    if (this.#redis.status !== 'ready') return this.#redis.disconnect();
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  // Two namespaces (`id:`, `by-subject:`): no session id or subject, however chosen, names the other kind of key.
  #recordKey(id: string): string {
    return `${this.#prefix}id:${id}`;
  }

  #subjectKey(subject: string): string {
    return `${this.#prefix}by-subject:${subject}`;
  }

  /** Every live record, by SCAN (never KEYS, which blocks Redis for the whole key space). */
  async #scanRecords(): Promise<SessionRecord[]> {
    const head = this.#recordKey('');
    const ids = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', `${escapeGlob(head)}*`, 'COUNT', 500);
      cursor = next;
      // SCAN may return a key more than once.
      for (const key of keys) ids.add(key.slice(head.length));
    } while (cursor !== '0');
    if (ids.size === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.#recordKey(id));
    const results = await execAll(pipeline);
    return [...ids].flatMap((id, i) => {
      const hash = toHash(results[i]);
      const record = hash.size === 0 ? undefined : decodeSessionHash(id, hash);
      return record !== undefined && this.#live(record) ? [record] : [];
    });
  }

  /** Redis expires keys on its own clock; this check keeps "expired means unknown" exact on ours too. */
  #live(record: SessionRecord): boolean {
    return this.#now() - record.lastAccessedAt < this.#ttlMs;
  }

  /**
   * Runs MODIFY_SCRIPT, then moves the session to the back of its subject's set (GT: a slower instance
   * never moves it back) and slides the set's TTL, which must outlive every member.
   */
  #modify(id: string, op: string[]): Promise<SessionRecord | undefined> {
    return this.#guard(async () => {
      const now = this.#now();
      const keys = [this.#recordKey(id)];
      const args = [now - this.#ttlMs, now, this.#ttlMs, ...op];
      const flat = await this.#script(keys, args);
      if (!Array.isArray(flat)) return undefined;
      const hash = new Map<string, string>();
      for (let i = 0; i + 1 < flat.length; i += 2) hash.set(String(flat[i]), String(flat[i + 1]));
      const record = decodeSessionHash(id, hash);
      const subjectKey = this.#subjectKey(record.subject);
      await execAll(
        this.#redis
          .multi()
          .zadd(subjectKey, 'GT', record.lastAccessedAt, id)
          .pexpire(subjectKey, this.#ttlMs),
      );
      return record;
    });
  }

  async #script(keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await this.#redis.evalsha(MODIFY_SHA, keys.length, ...keys, ...args);
    } catch (error) {
      // First use on this server (or after SCRIPT FLUSH): send the body, which also caches it.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.#redis.eval(MODIFY_SCRIPT, keys.length, ...keys, ...args);
    }
  }

  ping(): Promise<void> {
    return this.#guard(async () => {
      await this.#redis.ping();
    });
  }

  /** Redis failures become 503s that say which backend failed; our own AppErrors pass through. */
  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isAppError(error)) throw error;
      const cause =
        error instanceof Error && error.name === 'MaxRetriesPerRequestError'
          ? (this.#connectionError ?? error)
          : error;
      throw new AppError({
        code: 'Unavailable',
        message: `MCP session store unavailable: Redis at REDIS_URL=${this.#where} did not answer (${cause instanceof Error ? cause.message : String(cause)})`,
        cause: error,
      });
    }
  }
}

/** exec() reports a failed command in its result row instead of rejecting: surface the first one. */
async function execAll(chain: ChainableCommander): Promise<unknown[]> {
  const rows = (await chain.exec()) ?? [];
  for (const [error] of rows) if (error) throw error;
  return rows.map(([, value]) => value);
}

/** A literal for a SCAN MATCH pattern: the key prefix is configurable and may hold glob characters. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** HGETALL's reply (an object of our own field names; empty when the key is gone) as a Map. */
function toHash(reply: unknown): Map<string, string> {
  const hash = new Map<string, string>();
  if (reply === null || typeof reply !== 'object') return hash;
  for (const [field, value] of Object.entries(reply)) if (typeof value === 'string') hash.set(field, value);
  return hash;
}
