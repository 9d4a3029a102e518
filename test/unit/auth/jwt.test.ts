// The token signer: the claims it writes, and the lifetimes and keys it refuses.
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenSigner } from '../../../src/auth/jwt.js';
import { testConfig } from '../../../src/config/load.js';

describe('createTokenSigner', () => {
  const config = testConfig({ JWT_SECRET_KEY: 'test-secret-key-0123456789' });
  const signer = createTokenSigner(config);

  it('writes sub, iat, exp, jti, aud, iss and is_admin', async () => {
    const token = await signer.sign({ username: 'admin@example.com', expMinutes: 10080, admin: true });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      sub: 'admin@example.com',
      aud: 'mcpgateway-api',
      iss: 'mcpgateway',
      is_admin: true,
    });
    expect(claims.exp! - claims.iat!).toBe(10080 * 60);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives every token its own jti and marks non-admin tokens is_admin: false', async () => {
    const a = decodeJwt(await signer.sign({ username: 'u', expMinutes: 1, admin: false }));
    const b = decodeJwt(await signer.sign({ username: 'u', expMinutes: 1, admin: false }));
    expect(a.jti).not.toBe(b.jti);
    expect(a.is_admin).toBe(false);
  });

  it('refuses a lifetime the verifier would not accept', async () => {
    for (const expMinutes of [0, -5, 1.5, Number.NaN]) {
      await expect(signer.sign({ username: 'u', expMinutes, admin: false })).rejects.toMatchObject({
        code: 'Invalid',
        message: expect.stringContaining('positive whole number of minutes'),
      });
    }
  });

  it('needs JWT_PRIVATE_KEY_PATH to sign with RS256', async () => {
    const rs = createTokenSigner({ ...config, jwtAlgorithm: 'RS256', jwtPrivateKeyPath: undefined });
    await expect(rs.sign({ username: 'u', expMinutes: 1, admin: false })).rejects.toMatchObject({
      code: 'Invalid',
      message: expect.stringContaining('JWT_PRIVATE_KEY_PATH must name a PEM private key'),
    });
  });
});
