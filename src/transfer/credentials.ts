// Credentials in an export file: sealed under this instance's key, re-sealed under a passphrase (ContextForge's
// scheme, so either gateway opens them), or left out; and read back from any of those or a ContextForge file.
import { z } from 'zod';
import type { SecretCodec } from '../auth/secret-box.js';
import { invalid } from '../errors/app-error.js';
import { openGatewayAuth } from '../registry/common/upstream-auth.js';
import type { GatewayAuth } from '../runtime/credentials.js';
import { openContextForge, sealContextForge } from './contextforge-cipher.js';
import type { SecretsMode } from './export-format.js';

export interface SealedAuth {
  auth_type?: string;
  auth_value?: string;
}

/** ContextForge's plaintext: the headers to send ({"Authorization": "Bearer …"}); OAuth travels as our own object. */
function toPlaintext(auth: GatewayAuth): unknown {
  switch (auth.type) {
    case 'basic':
      return {
        Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
      };
    case 'bearer':
      return { Authorization: `Bearer ${auth.token}` };
    case 'authheaders':
      return auth.headers;
    case 'oauth':
      return auth;
  }
}

/** What an exported row's auth columns become in the file. */
export function exportSealer(
  mode: SecretsMode,
  codec: SecretCodec,
  passphrase?: string,
): (authType: string | null, authValue: string | null) => SealedAuth {
  if (mode === 'passphrase' && (passphrase === undefined || passphrase.length < 8))
    throw invalid('secrets "passphrase" needs a passphrase of at least 8 characters');
  return (authType, authValue) => {
    if (authType === null || authValue === null) return {};
    if (mode === 'omitted') return { auth_type: authType };
    if (mode === 'key') return { auth_type: authType, auth_value: authValue };
    const auth = openGatewayAuth(codec, authValue);
    return auth === null
      ? {}
      : { auth_type: authType, auth_value: sealContextForge(passphrase!, toPlaintext(auth)) };
  };
}

const headersSchema = z.record(z.string().min(1).max(128), z.string().max(8192));
const oauthSchema = z.object({
  type: z.literal('oauth'),
  tokenUrl: z.string().url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  scope: z.string().optional(),
});

/** ContextForge's header map back to our shapes; anything that is not plain Basic or Bearer stays as headers. */
function fromPlaintext(authType: string, plain: unknown, what: string): GatewayAuth {
  const oauth = oauthSchema.safeParse(plain);
  if (oauth.success) return oauth.data;
  const parsed = headersSchema.safeParse(plain);
  if (!parsed.success) throw invalid(`${what}: auth_value holds neither headers nor OAuth settings`);
  const headers = parsed.data;
  const keys = Object.keys(headers);
  const only =
    keys.length === 1 && keys[0]!.toLowerCase() === 'authorization' ? headers[keys[0]!]! : undefined;
  if (authType === 'basic' && only?.startsWith('Basic ')) {
    const pair = Buffer.from(only.slice(6), 'base64').toString('utf8');
    const colon = pair.indexOf(':');
    if (colon > 0) return { type: 'basic', username: pair.slice(0, colon), password: pair.slice(colon + 1) };
  }
  if (authType === 'bearer' && only?.startsWith('Bearer ')) return { type: 'bearer', token: only.slice(7) };
  if (keys.length === 0) throw invalid(`${what}: auth_value holds no headers`);
  return { type: 'authheaders', headers };
}

/** How credentials in the file being imported are opened: by the file's own marker. */
export interface ImportOpenerOptions {
  /** The file's mcpgateway.secrets, or "contextforge" for a file without our marker. */
  mode: SecretsMode | 'contextforge';
  codec: SecretCodec;
  /** --source-secret / rekey_secret: ContextForge's AUTH_ENCRYPTION_SECRET or the export passphrase. */
  secret?: string | undefined;
}

export interface OpenedAuth {
  auth: GatewayAuth | null;
  /** Set when the file names credentials it does not carry. */
  warning?: string;
}

/** An entry's auth fields as the file has them (ContextForge writes null for none). */
export interface EntryAuth {
  auth_type?: string | null | undefined;
  auth_value?: string | null | undefined;
}

export function importOpener(opts: ImportOpenerOptions): (entry: EntryAuth, what: string) => OpenedAuth {
  return (entry, what) => {
    const type = entry.auth_type ?? '';
    if (type === '' || type === 'none') return { auth: null };
    const value = entry.auth_value ?? '';
    if (value === '')
      return {
        auth: null,
        warning: `${what}: its ${type} credentials were not in the file: set them again after the import`,
      };
    if (opts.mode === 'key') return { auth: openGatewayAuth(opts.codec, value) };
    if (opts.secret === undefined || opts.secret === '')
      throw invalid(
        `${what}: auth_value is encrypted: pass the secret it was sealed with (--source-secret, or rekey_secret in the body)`,
      );
    return { auth: fromPlaintext(type, openContextForge(opts.secret, value, what), what) };
  };
}
