// Upstream credentials as input and at rest: parsed from ContextForge's shapes, stored encrypted, masked on every read.
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import type { SecretCodec } from '../../auth/secret-box.js';
import type { GatewayAuth, OAuthClientCredentials, UpstreamAuth } from '../../runtime/credentials.js';

export const MASK = '*****';

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'must be a valid HTTP header name');
const secretText = z.string().min(1).max(8192);

const authInputSchema = z
  .object({
    auth_type: z.enum(['basic', 'bearer', 'authheaders', 'oauth', 'none', '']).optional(),
    username: z.string().max(256).optional(),
    password: secretText.optional(),
    token: secretText.optional(),
    auth_header_key: headerName.optional(),
    auth_header_value: secretText.optional(),
    auth_headers: z
      .array(z.object({ key: headerName, value: secretText }))
      .max(32)
      .optional(),
    token_url: z.string().max(2048).optional(),
    client_id: z.string().min(1).max(1024).optional(),
    client_secret: secretText.optional(),
    scope: z.string().max(1024).optional(),
  })
  .passthrough();

function toSnake(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  return out;
}

/**
 * Reads `auth` from a create/update body: either an object (`{"auth_type": "basic", "username", "password"}`)
 * or ContextForge's flat fields on the body itself (`auth_type`, `auth_username`, `auth_password`, `auth_token`,
 * `auth_header_key`, `auth_header_value`). Returns undefined when the body says nothing about auth, null to clear it.
 * OAuth client credentials are refused here: a REST tool has no token cache (gateways use parseGatewayAuth).
 */
export function parseUpstreamAuth(body: Record<string, unknown>): UpstreamAuth | null | undefined {
  const auth = parseAnyAuth(body);
  if (auth?.type === 'oauth')
    throw new AppError({
      code: 'Invalid',
      message: 'auth_type oauth is supported on gateways only; use basic, bearer or authheaders',
    });
  return auth;
}

/** parseUpstreamAuth plus OAuth client credentials (`token_url`, `client_id`, `client_secret`, `scope`). */
export function parseGatewayAuth(body: Record<string, unknown>): GatewayAuth | null | undefined {
  return parseAnyAuth(body);
}

function rawAuthOf(body: Record<string, unknown>): Record<string, unknown> | null | undefined {
  if (body.auth === null) return null;
  if (body.auth !== undefined) {
    if (typeof body.auth !== 'object' || Array.isArray(body.auth))
      throw new AppError({ code: 'Invalid', message: 'auth must be an object' });
    return toSnake(body.auth as Record<string, unknown>);
  }
  if (body.auth_type === undefined) return undefined;
  return {
    auth_type: body.auth_type,
    username: body.auth_username,
    password: body.auth_password,
    token: body.auth_token,
    auth_header_key: body.auth_header_key,
    auth_header_value: body.auth_header_value,
    token_url: body.auth_token_url,
    client_id: body.auth_client_id,
    client_secret: body.auth_client_secret,
    scope: body.auth_scope,
  };
}

function parseAnyAuth(body: Record<string, unknown>): GatewayAuth | null | undefined {
  const raw = rawAuthOf(body);
  if (raw === null || raw === undefined) return raw;
  const parsed = authInputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError({
      code: 'Invalid',
      message: `Invalid auth.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    });
  }
  const a = parsed.data;
  switch (a.auth_type) {
    case undefined:
    case '':
    case 'none':
      return null;
    case 'basic':
      if (a.username === undefined || a.password === undefined)
        throw new AppError({ code: 'Invalid', message: 'auth_type basic needs username and password' });
      return { type: 'basic', username: a.username, password: a.password };
    case 'bearer':
      if (a.token === undefined)
        throw new AppError({ code: 'Invalid', message: 'auth_type bearer needs token' });
      return { type: 'bearer', token: a.token };
    case 'authheaders': {
      const pairs =
        a.auth_headers ??
        (a.auth_header_key !== undefined && a.auth_header_value !== undefined
          ? [{ key: a.auth_header_key, value: a.auth_header_value }]
          : []);
      if (pairs.length === 0)
        throw new AppError({
          code: 'Invalid',
          message:
            'auth_type authheaders needs auth_headers [{key, value}] or auth_header_key and auth_header_value',
        });
      return { type: 'authheaders', headers: Object.fromEntries(pairs.map((p) => [p.key, p.value])) };
    }
    case 'oauth':
      return oauthOf(a);
  }
}

function oauthOf(a: {
  token_url?: string | undefined;
  client_id?: string | undefined;
  client_secret?: string | undefined;
  scope?: string | undefined;
}): OAuthClientCredentials {
  if (a.token_url === undefined || a.client_id === undefined || a.client_secret === undefined)
    throw new AppError({
      code: 'Invalid',
      message: 'auth_type oauth needs token_url, client_id and client_secret (scope is optional)',
    });
  let url: URL;
  try {
    url = new URL(a.token_url);
  } catch {
    throw new AppError({ code: 'Invalid', message: 'auth.token_url must be an absolute http(s) URL' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new AppError({ code: 'Invalid', message: 'auth.token_url must be an absolute http(s) URL' });
  return {
    type: 'oauth',
    tokenUrl: a.token_url,
    clientId: a.client_id,
    clientSecret: a.client_secret,
    ...(a.scope === undefined || a.scope === '' ? {} : { scope: a.scope }),
  };
}

/** A client re-sending the masked value means "keep the stored secret" (forms and UIs round-trip reads). */
export function mergeMasked(next: UpstreamAuth, previous: GatewayAuth | null): UpstreamAuth;
export function mergeMasked(next: GatewayAuth, previous: GatewayAuth | null): GatewayAuth;
export function mergeMasked(next: GatewayAuth, previous: GatewayAuth | null): GatewayAuth {
  if (previous === null || previous.type !== next.type) return next;
  if (next.type === 'oauth' && previous.type === 'oauth' && next.clientSecret === MASK)
    return { ...next, clientSecret: previous.clientSecret };
  if (next.type === 'basic' && previous.type === 'basic' && next.password === MASK)
    return { ...next, password: previous.password };
  if (next.type === 'bearer' && previous.type === 'bearer' && next.token === MASK) return previous;
  if (next.type === 'authheaders' && previous.type === 'authheaders') {
    const headers = Object.fromEntries(
      Object.entries(next.headers).map(([k, v]) => [k, v === MASK ? (previous.headers[k] ?? v) : v]),
    );
    return { type: 'authheaders', headers };
  }
  return next;
}

export type MaskedAuth =
  | { authType: 'basic'; username: string; password: string }
  | { authType: 'bearer'; token: string }
  | { authType: 'authheaders'; headers: Record<string, string> }
  | { authType: 'oauth'; tokenUrl: string; clientId: string; clientSecret: string; scope: string | null };

export function maskAuth(auth: GatewayAuth | null): MaskedAuth | null {
  if (auth === null) return null;
  switch (auth.type) {
    case 'basic':
      return { authType: 'basic', username: auth.username, password: MASK };
    case 'bearer':
      return { authType: 'bearer', token: MASK };
    case 'authheaders':
      return {
        authType: 'authheaders',
        headers: Object.fromEntries(Object.keys(auth.headers).map((k) => [k, MASK])),
      };
    case 'oauth':
      return {
        authType: 'oauth',
        tokenUrl: auth.tokenUrl,
        clientId: auth.clientId,
        clientSecret: MASK,
        scope: auth.scope ?? null,
      };
  }
}

export function sealAuth(
  codec: SecretCodec,
  auth: GatewayAuth | null,
): { auth_type: string | null; auth_value: string | null } {
  return auth === null
    ? { auth_type: null, auth_value: null }
    : { auth_type: auth.type, auth_value: codec.encryptJson(auth) };
}

/** A tool's stored credentials (parseUpstreamAuth never lets OAuth into a tool row). */
export function openAuth(codec: SecretCodec, value: string | null): UpstreamAuth | null {
  if (value === null) return null;
  return codec.decryptJson(value) as UpstreamAuth;
}

/** A gateway's stored credentials, OAuth client credentials included. */
export function openGatewayAuth(codec: SecretCodec, value: string | null): GatewayAuth | null {
  if (value === null) return null;
  return codec.decryptJson(value) as GatewayAuth;
}
