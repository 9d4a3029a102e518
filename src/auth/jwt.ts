// Bearer JWTs: verification with exactly the configured algorithm and claims, and signing for `mcpgateway token`.
import { randomUUID } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { invalid } from '../errors/app-error.js';
import type { Config } from '../config/load.js';
import type { Principal } from './principal.js';
import { loadSignKey, loadVerifyKey, type JwtAlgorithm } from './jwt-keys.js';

/** Seconds of clock skew forgiven on `exp`/`nbf`, so hosts a little out of sync still agree. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** Why a token was turned away, in words safe to send back (never the secret, never the token). */
export type TokenCheck = { ok: true; principal: Principal } | { ok: false; reason: string };

export interface TokenVerifier {
  verify(token: string): Promise<TokenCheck>;
}

/** Loads the verification key once; a bad key file fails here, at start-up, not per request. */
export async function createTokenVerifier(config: Config): Promise<TokenVerifier> {
  const key = await loadVerifyKey(config);
  const alg = config.jwtAlgorithm;
  const options = {
    // One algorithm only: this is what stops alg=none and HS256-signed-with-the-public-key confusion.
    algorithms: [alg],
    audience: config.jwtAudience,
    issuer: config.jwtIssuer,
    requiredClaims: ['exp', 'jti', 'sub'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  };
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, options);
        const { sub, jti } = payload;
        if (typeof sub !== 'string' || sub === '')
          return { ok: false, reason: 'token sub claim must be a non-empty string' };
        if (typeof jti !== 'string' || jti === '')
          return { ok: false, reason: 'token jti claim must be a non-empty string' };
        return {
          ok: true,
          principal: { subject: sub, isAdmin: claimsAdmin(payload), via: 'jwt', tokenId: jti },
        };
      } catch (err) {
        return { ok: false, reason: explain(err, token, config) };
      }
    },
  };
}

/**
 * Admin is `is_admin: true`, flat (our tokens, older ContextForge ones) or nested under `user` (ContextForge's
 * current tokens carry `user: { email, is_admin, ... }`), so its admin tokens keep working here.
 */
function claimsAdmin(payload: Record<string, unknown>): boolean {
  const user = payload.user;
  return (
    payload.is_admin === true ||
    (typeof user === 'object' && user !== null && (user as Record<string, unknown>).is_admin === true)
  );
}

function explain(err: unknown, token: string, config: Config): string {
  if (err instanceof errors.JWTExpired) {
    const exp = err.payload.exp;
    return typeof exp === 'number'
      ? `token expired at ${new Date(exp * 1000).toISOString()}`
      : 'token expired';
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return `token has no ${err.claim} claim`;
    if (err.claim === 'aud') return `token audience must be ${config.jwtAudience}`;
    if (err.claim === 'iss') return `token issuer must be ${config.jwtIssuer}`;
    if (err.claim === 'nbf') return 'token is not valid yet (nbf is in the future)';
    return `token ${err.claim} claim is invalid`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed) {
    return `token algorithm ${presentedAlg(token)} is not accepted; this gateway requires ${config.jwtAlgorithm}`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  // JWSInvalid, JWTInvalid, bad base64/JSON, non-finite numbers (TypeError) all mean the same to a client.
  return 'token is malformed (expected a signed JWT: header.payload.signature)';
}

function presentedAlg(token: string): string {
  try {
    const { alg } = decodeProtectedHeader(token);
    // The header is attacker-controlled: keep it short and printable before echoing it.
    return typeof alg === 'string' ? alg.replace(/[^A-Za-z0-9-]/g, '?').slice(0, 16) : '(missing)';
  } catch {
    return '(unreadable)';
  }
}

export interface TokenRequest {
  /** Becomes `sub`; an email by convention, as ContextForge. */
  username: string;
  /** Lifetime in whole minutes; must be positive because the verifier requires `exp`. */
  expMinutes: number;
  admin: boolean;
}

export interface TokenSigner {
  sign(request: TokenRequest): Promise<string>;
}

export type SignerConfig = Pick<
  Config,
  'jwtAlgorithm' | 'jwtSecretKey' | 'jwtPrivateKeyPath' | 'jwtAudience' | 'jwtIssuer'
>;

/** Signs tokens the verifier above accepts: sub, iat, exp, jti, aud, iss and is_admin. */
export function createTokenSigner(config: SignerConfig): TokenSigner {
  const alg: JwtAlgorithm = config.jwtAlgorithm;
  let key: ReturnType<typeof loadSignKey> | undefined;
  return {
    async sign({ username, expMinutes, admin }) {
      if (username === '') throw invalid('token username must not be empty');
      if (!Number.isSafeInteger(expMinutes) || expMinutes <= 0) {
        throw invalid(
          'token lifetime must be a positive whole number of minutes (tokens without exp are rejected)',
        );
      }
      key ??= loadSignKey({
        algorithm: alg,
        secret: config.jwtSecretKey,
        privateKeyPath: config.jwtPrivateKeyPath,
      });
      const iat = Math.floor(Date.now() / 1000);
      return new SignJWT({ is_admin: admin })
        .setProtectedHeader({ alg, typ: 'JWT' })
        .setSubject(username)
        .setIssuedAt(iat)
        .setExpirationTime(iat + expMinutes * 60)
        .setJti(randomUUID())
        .setAudience(config.jwtAudience)
        .setIssuer(config.jwtIssuer)
        .sign(await key);
    },
  };
}
