// Principal: who a request acts for, as established once by the auth layer and passed down.

export interface Principal {
  /** Stable identity: the JWT `sub` (an email for tokens minted by `mcpgateway token`), the basic-auth user, or "anonymous". */
  subject: string;
  isAdmin: boolean;
  via: 'jwt' | 'basic' | 'anonymous';
  /** The JWT `jti`, when authenticated by token. */
  tokenId?: string;
  /**
   * The request's X-Upstream-Authorization header, for federated gateways with passthrough_auth only (MCP
   * endpoints set it; never logged, never stored).
   */
  upstreamAuthorization?: string;
}

/** The principal of every request when AUTH_REQUIRED=false (local play). */
export const ANONYMOUS_ADMIN: Principal = Object.freeze({
  subject: 'anonymous',
  isAdmin: true,
  via: 'anonymous',
});

/** The principal with the request's X-Upstream-Authorization attached (unchanged when the header is absent). */
export function withUpstreamAuthorization(
  principal: Principal,
  header: string | string[] | undefined,
): Principal {
  const value = Array.isArray(header) ? header[0] : header;
  return value === undefined || value === '' ? principal : { ...principal, upstreamAuthorization: value };
}
