// ContextForge's services_auth scheme written out independently of src/ (key SHA-256(secret), AES-256-GCM, no AAD,
// base64url without padding of nonce ‖ ciphertext ‖ tag), to make and check fixtures.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** The AUTH_ENCRYPTION_SECRET the ContextForge fixture was sealed with. */
export const CONTEXTFORGE_SECRET = 'contextforge-fixture-secret';

const key = (secret: string) => createHash('sha256').update(secret).digest();

export function encodeAuth(secret: string, headers: Record<string, string>): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(secret), nonce);
  const ct = Buffer.concat([cipher.update(JSON.stringify(headers)), cipher.final()]);
  return Buffer.concat([nonce, ct, cipher.getAuthTag()]).toString('base64url');
}

export function decodeAuth(secret: string, value: string): unknown {
  const raw = Buffer.from(value, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key(secret), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return JSON.parse(
    Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString(),
  );
}
