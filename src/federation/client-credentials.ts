// OAuth 2.0 client credentials for upstream gateways: tokens fetched through the guarded client, cached until shortly before expiry.
import { createHash } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { OAuthClientCredentials } from '../runtime/credentials.js';
import type { HttpClient } from '../runtime/http-client.js';
import { describeUpstreamFailure } from '../runtime/upstream-failure.js';

export interface ClientCredentialsTokensOptions {
  http: HttpClient;
  /** Milliseconds clock, for tests. */
  now?: () => number;
  /** A token request taking longer fails. */
  timeoutMs?: number;
}

interface CachedToken {
  token: string;
  /** When to stop using it: a little before the server's expiry, so a request never carries a dying token. */
  refreshAt: number;
}

/** Servers that omit expires_in get this lifetime (RFC 6749 leaves it to documentation). */
const DEFAULT_LIFETIME_S = 300;
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_ENTRIES = 1000;

export class ClientCredentialsTokens {
  readonly #http: HttpClient;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  readonly #cache = new Map<string, CachedToken>();
  /** One request per credential set at a time: concurrent callers share it. */
  readonly #inflight = new Map<string, Promise<string>>();

  constructor(opts: ClientCredentialsTokensOptions) {
    this.#http = opts.http;
    this.#now = opts.now ?? Date.now;
    this.#timeoutMs = opts.timeoutMs ?? 15_000;
  }

  /** A valid access token for these credentials, from the cache or freshly requested. */
  async token(auth: OAuthClientCredentials): Promise<string> {
    const key = keyOf(auth);
    const cached = this.#cache.get(key);
    if (cached !== undefined && cached.refreshAt > this.#now()) return cached.token;
    let pending = this.#inflight.get(key);
    if (pending === undefined) {
      pending = this.#request(auth, key).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    return pending;
  }

  /** Forgets the cached token (the upstream answered 401 with it); the next token() requests a new one. */
  invalidate(auth: OAuthClientCredentials): void {
    this.#cache.delete(keyOf(auth));
  }

  async #request(auth: OAuthClientCredentials, key: string): Promise<string> {
    const url = this.#http.guard.checkUrl(auth.tokenUrl);
    // client_secret_post, as ContextForge sends it; RFC 6749 §2.3.1 allows it and most servers accept both.
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: auth.clientId,
      client_secret: auth.clientSecret,
    });
    if (auth.scope !== undefined) form.set('scope', auth.scope);
    const fail = (why: string) =>
      new AppError({
        code: 'UpstreamFailed',
        message: `OAuth token request to ${url.origin}${url.pathname} failed: ${why}`,
      });
    let status: number;
    let text: string;
    try {
      const response = await this.#http.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        redirect: 'error',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = response.status;
      text = await boundedText(response.body, MAX_RESPONSE_BYTES);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw fail(describeUpstreamFailure(error, url));
    }
    if (status < 200 || status > 299) {
      const reason = /"error"\s*:\s*"([^"]{1,100})"/.exec(text)?.[1];
      throw fail(`HTTP ${status}${reason === undefined ? '' : ` (${reason})`}`);
    }
    const body = parseTokenResponse(text);
    if (body === undefined) throw fail('the response has no access_token');
    const lifetimeMs = (body.expiresIn ?? DEFAULT_LIFETIME_S) * 1000;
    // Refresh at 90% of the lifetime, and never closer than a minute to expiry when the lifetime allows it.
    const margin = Math.min(60_000, lifetimeMs * 0.1);
    this.#remember(key, { token: body.token, refreshAt: this.#now() + lifetimeMs - margin });
    return body.token;
  }

  #remember(key: string, entry: CachedToken): void {
    this.#cache.delete(key);
    if (this.#cache.size >= MAX_ENTRIES) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(key, entry);
  }
}

function keyOf(auth: OAuthClientCredentials): string {
  return createHash('sha256')
    .update([auth.tokenUrl, auth.clientId, auth.clientSecret, auth.scope ?? ''].join('\u0000'))
    .digest('hex');
}

function parseTokenResponse(text: string): { token: string; expiresIn?: number } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const { access_token: token, expires_in: expiresIn } = parsed as Record<string, unknown>;
  if (typeof token !== 'string' || token === '') return undefined;
  const seconds = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
    ? { token, expiresIn: seconds }
    : { token };
}

async function boundedText(body: AsyncIterable<Uint8Array> | null, max: number): Promise<string> {
  if (body === null) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > max) throw new Error(`token response larger than ${max} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
