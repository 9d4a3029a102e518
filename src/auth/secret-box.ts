// SecretBox: AES-256-GCM encryption of stored upstream credentials under a key derived from AUTH_ENCRYPTION_SECRET.
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { AppError } from '../errors/app-error.js';

export interface SecretBox {
  /** `v1:` + base64url(iv | tag | ciphertext); a fresh IV every call, so equal inputs give different tokens. */
  encrypt(plain: string): string;
  decrypt(token: string): string;
  encryptJson(value: unknown): string;
  decryptJson(token: string): unknown;
  /** Short SHA-256 of the derived key: backups record it so a restore can refuse a mismatched secret. */
  readonly fingerprint: string;
}

/** What stores and restores JSON secrets (the registry needs no more of the box). */
export type SecretCodec = Pick<SecretBox, 'encryptJson' | 'decryptJson'>;

const VERSION = 'v1';
const PREFIX = `${VERSION}:`;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// The salt is fixed on purpose: the key must be re-derivable from the secret alone on every start.
// scrypt (not a bare hash) because operators do set passphrases; ~80 ms, paid once per process.
const KDF_SALT = 'mcpgateway/secret-box/v1';
const KDF_PARAMS = { N: 1 << 14, r: 8, p: 1, maxmem: 32 * 1024 * 1024 } as const;
// Binds every token to this format, so a token produced for another purpose never decrypts here.
const AAD = Buffer.from('mcpgateway-secret-box-v1');

const mismatch = (reason: string): AppError =>
  new AppError({
    code: 'Internal',
    message:
      'Cannot decrypt a stored credential: AUTH_ENCRYPTION_SECRET does not match the one that encrypted the data ' +
      `(or the stored value was altered): ${reason}`,
  });

export function createSecretBox(secret: string): SecretBox {
  if (secret.length === 0) {
    throw new AppError({ code: 'Internal', message: 'AUTH_ENCRYPTION_SECRET must not be empty' });
  }
  const key = scryptSync(secret, KDF_SALT, 32, KDF_PARAMS);
  const fingerprint = createHash('sha256')
    .update('mcpgateway/secret-box/fingerprint\0')
    .update(key)
    .digest('hex')
    .slice(0, 16);

  const encrypt = (plain: string): string => {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(AAD);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  };

  const decrypt = (token: string): string => {
    if (!token.startsWith(PREFIX)) throw mismatch(`unknown format (expected a "${PREFIX}" prefix)`);
    const raw = Buffer.from(token.slice(PREFIX.length), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw mismatch('value too short');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(AAD);
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw mismatch('authentication tag check failed');
    }
  };

  return {
    encrypt,
    decrypt,
    encryptJson: (value) => encrypt(JSON.stringify(value)),
    decryptJson: (token) => JSON.parse(decrypt(token)) as unknown,
    fingerprint,
  };
}
