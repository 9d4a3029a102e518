// Credentials the gateway presents upstream (REST tools and federated gateways), in clear: never persisted in this shape.

/** What a REST tool may carry: basic, bearer or arbitrary headers. */
export type UpstreamAuth =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'authheaders'; headers: Record<string, string> };

/** OAuth 2.0 client credentials (RFC 6749 §4.4): the gateway fetches and caches the access token itself. */
export interface OAuthClientCredentials {
  type: 'oauth';
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

/** What a gateway (federated upstream) may use: everything a REST tool may, plus OAuth client credentials. */
export type GatewayAuth = UpstreamAuth | OAuthClientCredentials;
