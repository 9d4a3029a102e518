import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../src/auth/secret-box.js';
import { AppError } from '../../../src/errors/app-error.js';

describe('secret box', () => {
  const box = createSecretBox('correct horse battery staple');

  it('round-trips text and JSON, with a fresh IV each time', () => {
    const token = box.encrypt('s3cret-token ✓');
    expect(token).toMatch(/^v1:[A-Za-z0-9_-]+$/);
    expect(token).not.toContain('s3cret');
    expect(box.decrypt(token)).toBe('s3cret-token ✓');
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
    const value = { auth_type: 'basic', username: 'u', password: 'p', n: [1, 2] };
    expect(box.decryptJson(box.encryptJson(value))).toEqual(value);
    expect(box.decrypt(box.encrypt(''))).toBe('');
  });

  it('derives the same key (and fingerprint) from the same secret, a different one from another', () => {
    const again = createSecretBox('correct horse battery staple');
    expect(again.fingerprint).toBe(box.fingerprint);
    expect(box.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(again.decrypt(box.encrypt('shared'))).toBe('shared');
    expect(createSecretBox('another secret').fingerprint).not.toBe(box.fingerprint);
  });

  it('refuses data encrypted under another AUTH_ENCRYPTION_SECRET', () => {
    const token = createSecretBox('the old secret').encrypt('password');
    let caught: unknown;
    try {
      box.decrypt(token);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('Internal');
    expect((caught as AppError).message).toMatch(
      /AUTH_ENCRYPTION_SECRET does not match the one that encrypted/,
    );
    console.log('wrong key:', (caught as AppError).message);
  });

  it('detects tampering anywhere in the token', () => {
    const token = box.encrypt('{"token":"abc"}');
    const raw = Buffer.from(token.slice(3), 'base64url');
    for (const index of [0, 13, raw.length - 1]) {
      const altered = Buffer.from(raw);
      altered[index] = altered[index]! ^ 0x01;
      expect(() => box.decrypt(`v1:${altered.toString('base64url')}`)).toThrow(/AUTH_ENCRYPTION_SECRET/);
    }
    expect(() => box.decrypt(token.slice(0, 20))).toThrow(/AUTH_ENCRYPTION_SECRET/);
    expect(() => box.decrypt(token.replace('v1:', 'v2:'))).toThrow(/unknown format/);
    expect(() => box.decrypt('plaintext-password')).toThrow(/AUTH_ENCRYPTION_SECRET/);
  });
});
