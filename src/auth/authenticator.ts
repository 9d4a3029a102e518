// Authenticator: turns a request's Authorization header into a Principal, or a 401 with an RFC 6750 challenge.
import { AppError } from '../errors/app-error.js';
import type { Config } from '../config/load.js';
import { createBasicAuth } from './basic.js';
import { createTokenVerifier } from './jwt.js';
import { ANONYMOUS_ADMIN, type Principal } from './principal.js';
import { createVerifiedTokenCache } from './verified-token-cache.js';

const REALM = 'mcpgateway';

export interface AuthHeaders {
  authorization?: string | undefined;
}

export interface Authenticator {
  /** Resolves to who the request acts for; rejects with AppError 'Unauthorized' carrying UnauthorizedData. */
  authenticate(headers: AuthHeaders): Promise<Principal>;
}

/**
 * `data` of every Unauthorized error thrown here; HTTP sends it as WWW-Authenticate.
 * A string when only bearer tokens are accepted; a string[] (one header line each, Bearer first)
 * when basic auth is enabled too.
 */
export interface UnauthorizedData {
  wwwAuthenticate: string | string[];
}

/** RFC 6750 §3 allows only %x20-21 / %x23-5B / %x5D-7E in error_description: no quotes, backslashes or controls. */
const quotable = (text: string): string => text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?');

/** The RFC 6750 token form: a client sending anything else sent a malformed header, not a token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export async function createAuthenticator(config: Config): Promise<Authenticator> {
  const verifier = await createTokenVerifier(config);
  const verified = createVerifiedTokenCache();
  const basic = createBasicAuth(config);

  /** `problem` undefined means no usable credentials were sent, so no error attribute (RFC 6750 §3.1). */
  function reject(message: string, problem?: string): AppError {
    const bearer =
      problem === undefined
        ? `Bearer realm="${REALM}"`
        : `Bearer realm="${REALM}", error="invalid_token", error_description="${quotable(problem)}"`;
    const data: UnauthorizedData = { wwwAuthenticate: basic ? [bearer, `Basic realm="${REALM}"`] : bearer };
    return new AppError({ code: 'Unauthorized', message, data });
  }

  function noCredentials(message: string): Principal {
    // AUTH_REQUIRED=false only forgives *absent* credentials; presented ones are always checked (callers
    // below reject a bad token even then), so a client never mistakes a broken token for a working one.
    if (!config.authRequired) return ANONYMOUS_ADMIN;
    throw reject(message);
  }

  const accepted = basic
    ? 'Authorization: Bearer <token> or Basic credentials'
    : 'Authorization: Bearer <token>';

  return {
    async authenticate(headers) {
      const header = headers.authorization?.trim() ?? '';
      if (header === '') return noCredentials(`authentication required: send ${accepted}`);
      const space = header.search(/\s/);
      const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
      const rest = space < 0 ? '' : header.slice(space).trim();

      if (scheme === 'bearer') {
        if (rest === '') throw reject('bearer token is empty', 'bearer token is empty');
        if (!B64TOKEN.test(rest)) {
          const why = 'token is malformed (expected a signed JWT: header.payload.signature)';
          throw reject(why, why);
        }
        const known = verified.get(rest);
        if (known !== undefined) return known;
        const result = await verifier.verify(rest);
        if (!result.ok) throw reject(result.reason, result.reason);
        verified.set(rest, result.principal);
        return result.principal;
      }
      if (scheme === 'basic' && basic) {
        const result = basic.check(rest);
        // The failure is about basic credentials, so the Bearer challenge carries no token error.
        if (!result.ok) throw reject(result.reason);
        return result.principal;
      }
      // RFC 6750 §3.1 treats an unsupported scheme like no credentials at all.
      return noCredentials(
        `unsupported authorization scheme ${quotable(scheme).slice(0, 20)}: send ${accepted}`,
      );
    },
  };
}
