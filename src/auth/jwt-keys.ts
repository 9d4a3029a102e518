// JWT key material: the HMAC secret or the PEM key files, loaded once and checked against the algorithm.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppError } from '../errors/app-error.js';
import type { Config } from '../config/load.js';

export type JwtAlgorithm = Config['jwtAlgorithm'];

/** What jose accepts: raw bytes for HS*, a Node KeyObject for RS* and ES*. */
export type JwtKey = Uint8Array | KeyObject;

/** The curve each ES* algorithm is defined over (RFC 7518 §3.4); jose refuses any other pairing. */
const EC_CURVES = new Map<string, string>([
  ['ES256', 'prime256v1'],
  ['ES384', 'secp384r1'],
  ['ES512', 'secp521r1'],
]);

export const isHmac = (alg: JwtAlgorithm): boolean => alg.startsWith('HS');

function configError(message: string, cause?: unknown): AppError {
  return new AppError({ code: 'Invalid', message: `Invalid configuration: ${message}`, cause });
}

export function hmacKey(secret: string | undefined, alg: JwtAlgorithm): Uint8Array {
  if (secret === undefined || secret === '')
    throw configError(`JWT_SECRET_KEY must be set when JWT_ALGORITHM=${alg}`);
  return new TextEncoder().encode(secret);
}

async function readPem(path: string, envName: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const reason = err instanceof Error && 'code' in err ? String(err.code) : 'unreadable';
    throw configError(`${envName}=${path} cannot be read (${reason})`, err);
  }
}

/** Rejects at start-up what jose would otherwise reject on every request (wrong key type, curve, size). */
function checkKeyFits(key: KeyObject, alg: JwtAlgorithm, envName: string, path: string): KeyObject {
  const details = key.asymmetricKeyDetails;
  if (alg.startsWith('RS')) {
    if (key.asymmetricKeyType !== 'rsa')
      throw configError(`${envName}=${path} is not an RSA key (JWT_ALGORITHM=${alg})`);
    if ((details?.modulusLength ?? 0) < 2048)
      throw configError(`${envName}=${path}: RSA keys must be at least 2048 bits`);
  } else {
    const curve = EC_CURVES.get(alg);
    if (key.asymmetricKeyType !== 'ec' || details?.namedCurve !== curve) {
      throw configError(
        `${envName}=${path} is not an EC key on curve ${curve ?? '?'} (JWT_ALGORITHM=${alg})`,
      );
    }
  }
  return key;
}

/** The key that verifies incoming tokens. */
export async function loadVerifyKey(config: Config): Promise<JwtKey> {
  const alg = config.jwtAlgorithm;
  if (isHmac(alg)) return hmacKey(config.jwtSecretKey, alg);
  const path = config.jwtPublicKeyPath;
  if (path === undefined)
    throw configError(`JWT_PUBLIC_KEY_PATH must name a PEM file when JWT_ALGORITHM=${alg}`);
  const pem = await readPem(path, 'JWT_PUBLIC_KEY_PATH');
  let key: KeyObject;
  try {
    // createPublicKey also takes a certificate or a private key and derives the public half.
    key = createPublicKey(pem);
  } catch (err) {
    throw configError(`JWT_PUBLIC_KEY_PATH=${path} is not a PEM public key`, err);
  }
  return checkKeyFits(key, alg, 'JWT_PUBLIC_KEY_PATH', path);
}

/** The key that signs tokens (mcpgateway token); for RS* and ES* it is the private half. */
export async function loadSignKey(opts: {
  algorithm: JwtAlgorithm;
  secret: string | undefined;
  privateKeyPath: string | undefined;
}): Promise<JwtKey> {
  const alg = opts.algorithm;
  if (isHmac(alg)) return hmacKey(opts.secret, alg);
  const path = opts.privateKeyPath;
  if (path === undefined)
    throw configError(`JWT_PRIVATE_KEY_PATH must name a PEM private key when JWT_ALGORITHM=${alg}`);
  const pem = await readPem(path, 'JWT_PRIVATE_KEY_PATH');
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    throw configError(`JWT_PRIVATE_KEY_PATH=${path} is not an unencrypted PEM private key`, err);
  }
  return checkKeyFits(key, alg, 'JWT_PRIVATE_KEY_PATH', path);
}
