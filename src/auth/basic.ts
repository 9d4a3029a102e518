// HTTP basic auth (RFC 7617) against BASIC_AUTH_USER / BASIC_AUTH_PASSWORD, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/load.js';
import type { Principal } from './principal.js';

export type BasicCheck = { ok: true; principal: Principal } | { ok: false; reason: string };

export interface BasicAuth {
  /** `credentials` is the part after "Basic ": base64 of "user:password". */
  check(credentials: string): BasicCheck;
}

/** Hashing first gives equal-length inputs, so neither the length nor the content leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Undefined when basic auth is not configured (both variables are needed). */
export function createBasicAuth(config: Config): BasicAuth | undefined {
  const user = config.basicAuthUser;
  const password = config.basicAuthPassword;
  if (user === undefined || password === undefined) return undefined;
  return {
    check(credentials) {
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credentials)) {
        return { ok: false, reason: 'basic credentials are malformed (expected base64 of user:password)' };
      }
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0)
        return { ok: false, reason: 'basic credentials are malformed (expected base64 of user:password)' };
      // Both comparisons always run, so a right user name with a wrong password takes as long as anything else.
      const userOk = sameSecret(decoded.slice(0, colon), user);
      const passwordOk = sameSecret(decoded.slice(colon + 1), password);
      if (!(userOk && passwordOk)) return { ok: false, reason: 'basic credentials are invalid' };
      return { ok: true, principal: { subject: user, isAdmin: true, via: 'basic' } };
    },
  };
}
