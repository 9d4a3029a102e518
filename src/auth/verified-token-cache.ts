// VerifiedTokenCache: remembers tokens that verified, so a client sending the same bearer on every call pays for the signature check once.
import { decodeJwt } from 'jose';
import type { Principal } from './principal.js';

export interface VerifiedTokenCacheOptions {
  /** Entries kept at most (oldest dropped first). */
  maxEntries?: number;
  /** A verified token is trusted again without a check for at most this long (and never past its exp). */
  maxAgeMs?: number;
  now?: () => number;
}

export interface VerifiedTokenCache {
  get(token: string): Principal | undefined;
  set(token: string, principal: Principal): void;
}

export function createVerifiedTokenCache(opts: VerifiedTokenCacheOptions = {}): VerifiedTokenCache {
  const maxEntries = opts.maxEntries ?? 10_000;
  const maxAgeMs = opts.maxAgeMs ?? 60_000;
  const now = opts.now ?? Date.now;
  // A Map: iteration order is insertion order, which makes "drop the oldest" one call.
  const entries = new Map<string, { principal: Principal; until: number }>();

  return {
    get(token) {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      if (entry.until <= now()) {
        entries.delete(token);
        return undefined;
      }
      return entry.principal;
    },
    set(token, principal) {
      // Only called after verification succeeded, so the decoded exp is the signed one.
      const exp = decodeJwt(token).exp;
      const until = Math.min(now() + maxAgeMs, exp === undefined ? Infinity : exp * 1000);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(token, { principal, until });
    },
  };
}
