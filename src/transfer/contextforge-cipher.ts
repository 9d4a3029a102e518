// ContextForge's sealing of auth_value, so its export files open here: AES-256-GCM under SHA-256(secret), no AAD,
// the value base64url without padding of nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes), the plaintext JSON.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { invalid } from '../errors/app-error.js';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const keyOf = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

/** Seals a JSON value the way ContextForge's encode_auth does (used for `--secrets passphrase` exports). */
export function sealContextForge(secret: string, value: unknown): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), nonce);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens a ContextForge auth_value; `what` names the entity in the message when the secret does not fit. */
export function openContextForge(secret: string, sealed: string, what: string): unknown {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < NONCE_BYTES + TAG_BYTES)
    throw invalid(`${what}: auth_value is too short to be an encrypted credential`);
  const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), raw.subarray(0, NONCE_BYTES));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  let plain: string;
  try {
    plain = Buffer.concat([
      decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw invalid(
      `${what}: auth_value does not decrypt with the given source secret: pass the AUTH_ENCRYPTION_SECRET ` +
        'of the gateway that wrote the file (or the passphrase it was exported with)',
    );
  }
  try {
    return JSON.parse(plain) as unknown;
  } catch {
    throw invalid(`${what}: auth_value decrypts but is not JSON`);
  }
}
