// UpstreamHeaders: the credentials and extra headers every HTTP request to one upstream carries.
import { AppError } from '../../errors/app-error.js';
import type { GatewayAuth } from '../../runtime/credentials.js';
import { authHeaders } from '../../runtime/rest-request.js';
import type { ClientCredentialsTokens } from '../client-credentials.js';

export interface UpstreamHeaders {
  /** Headers for the next request: the gateway's credentials (an OAuth token, cached), then the extras. */
  current(): Promise<Record<string, string>>;
  /** The upstream answered 401: drops a cached OAuth token. True when a retry with a new one may succeed. */
  rejected(): boolean;
}

/**
 * `extra` is applied last (the forwarder's passthrough Authorization from X-Upstream-Authorization goes there);
 * the downstream client's own Authorization never does. Header names are lower-cased, so one name is one header.
 */
export function upstreamHeaders(
  auth: GatewayAuth | null,
  oauth: ClientCredentialsTokens | undefined,
  extra: Readonly<Record<string, string>>,
): UpstreamHeaders {
  if (auth?.type === 'oauth' && oauth === undefined)
    throw new AppError({ code: 'Internal', message: 'OAuth gateways need the token cache' });
  const fixed: Record<string, string> = {};
  // OAuth tokens are added per request; the other credentials are fixed headers.
  for (const [k, v] of auth?.type === 'oauth' ? [] : authHeaders(auth)) fixed[k.toLowerCase()] = v;
  const tail: Record<string, string> = {};
  for (const [k, v] of Object.entries(extra)) tail[k.toLowerCase()] = v;
  if (auth?.type !== 'oauth' || oauth === undefined) {
    const headers = { ...fixed, ...tail };
    return { current: () => Promise.resolve({ ...headers }), rejected: () => false };
  }
  return {
    current: async () => ({ ...fixed, authorization: `Bearer ${await oauth.token(auth)}`, ...tail }),
    rejected: () => {
      oauth.invalidate(auth);
      return true;
    },
  };
}
