// Credentials the gateway presents upstream: parsed from ContextForge's shapes, stored encrypted, masked on every read.
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';

export type UpstreamAuth =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'authheaders'; headers: Record<string, string> };

export const MASK = '*****';

/** What stores and restores JSON secrets; implemented by auth/secret-box. */
export interface SecretCodec {
  encryptJson(value: unknown): string;
  decryptJson(token: string): unknown;
}

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'must be a valid HTTP header name');
const secretText = z.string().min(1).max(8192);

const authInputSchema = z
  .object({
    auth_type: z.enum(['basic', 'bearer', 'authheaders', 'none', '']).optional(),
    username: z.string().max(256).optional(),
    password: secretText.optional(),
    token: secretText.optional(),
    auth_header_key: headerName.optional(),
    auth_header_value: secretText.optional(),
    auth_headers: z
      .array(z.object({ key: headerName, value: secretText }))
      .max(32)
      .optional(),
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
 */
export function parseUpstreamAuth(body: Record<string, unknown>): UpstreamAuth | null | undefined {
  let raw: Record<string, unknown> | undefined;
  if (body.auth !== undefined && body.auth !== null) {
    if (typeof body.auth !== 'object' || Array.isArray(body.auth))
      throw new AppError({ code: 'Invalid', message: 'auth must be an object' });
    raw = toSnake(body.auth as Record<string, unknown>);
  } else if (body.auth === null) {
    return null;
  } else if (body.auth_type !== undefined) {
    raw = {
      auth_type: body.auth_type,
      username: body.auth_username,
      password: body.auth_password,
      token: body.auth_token,
      auth_header_key: body.auth_header_key,
      auth_header_value: body.auth_header_value,
    };
  }
  if (raw === undefined) return undefined;
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
  }
}

/** A client re-sending the masked value means "keep the stored secret" (forms and UIs round-trip reads). */
export function mergeMasked(next: UpstreamAuth, previous: UpstreamAuth | null): UpstreamAuth {
  if (previous === null || previous.type !== next.type) return next;
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
  | { authType: 'authheaders'; headers: Record<string, string> };

export function maskAuth(auth: UpstreamAuth | null): MaskedAuth | null {
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
  }
}

export function sealAuth(
  codec: SecretCodec,
  auth: UpstreamAuth | null,
): { auth_type: string | null; auth_value: string | null } {
  return auth === null
    ? { auth_type: null, auth_value: null }
    : { auth_type: auth.type, auth_value: codec.encryptJson(auth) };
}

export function openAuth(codec: SecretCodec, value: string | null): UpstreamAuth | null {
  if (value === null) return null;
  return codec.decryptJson(value) as UpstreamAuth;
}
