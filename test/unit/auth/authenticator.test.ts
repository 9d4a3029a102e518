// The auth matrix: every way a request can present (or not present) credentials, and the 401 challenge it gets.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuthenticator, type Authenticator } from '../../../src/auth/authenticator.js';
import { createTokenSigner } from '../../../src/auth/jwt.js';
import { ANONYMOUS_ADMIN } from '../../../src/auth/principal.js';
import { testConfig } from '../../../src/config/load.js';
import { isAppError } from '../../../src/errors/app-error.js';

const SECRET = 'test-secret-key-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'mcpgw-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeKeyPair(name: string, type: 'rsa' | 'ec'): { publicPath: string; privatePath: string } {
  const pair =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicPath = join(dir, `${name}.pub.pem`);
  const privatePath = join(dir, `${name}.key.pem`);
  writeFileSync(publicPath, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(privatePath, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { publicPath, privatePath };
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = (): number => Math.floor(Date.now() / 1000);
const goodClaims = () => ({
  sub: 'alice@example.com',
  jti: randomUUID(),
  aud: 'mcpgateway-api',
  iss: 'mcpgateway',
  iat: now(),
  exp: now() + 600,
});

/** Signs arbitrary claims with HS256 and the given secret, for tokens our own signer would never make. */
async function hs256(claims: Record<string, unknown>, secret = SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

async function rejection(auth: Authenticator, authorization: string | undefined) {
  const err: unknown = await auth.authenticate({ authorization }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(err)) throw new Error(`expected an AppError, got ${String(err)}`);
  expect(err.code).toBe('Unauthorized');
  const data = err.data as { wwwAuthenticate: string | string[] };
  return { message: err.message, challenge: data.wwwAuthenticate };
}

const tokenChallenge = (description: string) =>
  `Bearer realm="mcpgateway", error="invalid_token", error_description="${description}"`;

describe('HS256 bearer tokens (default)', async () => {
  const config = testConfig({ JWT_SECRET_KEY: SECRET });
  const auth = await createAuthenticator(config);
  const signer = createTokenSigner(config);

  it('accepts a token from the signer and reports who it is', async () => {
    const token = await signer.sign({ username: 'alice@example.com', expMinutes: 5, admin: true });
    const principal = await auth.authenticate({ authorization: `Bearer ${token}` });
    expect(principal).toMatchObject({ subject: 'alice@example.com', isAdmin: true, via: 'jwt' });
    expect(principal.tokenId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('treats a token without is_admin as a non-admin, and the scheme name case-insensitively', async () => {
    const principal = await auth.authenticate({ authorization: `bearer ${await hs256(goodClaims())}` });
    expect(principal).toMatchObject({ subject: 'alice@example.com', isAdmin: false, via: 'jwt' });
  });

  it("honours ContextForge's admin claim nested as user.is_admin, and only a real true", async () => {
    const asAdmin = async (claims: Record<string, unknown>): Promise<boolean> =>
      (await auth.authenticate({ authorization: `Bearer ${await hs256({ ...goodClaims(), ...claims })}` }))
        .isAdmin;
    expect(
      await asAdmin({ user: { email: 'alice@example.com', is_admin: true, auth_provider: 'local' } }),
    ).toBe(true);
    expect(await asAdmin({ is_admin: true, user: { is_admin: true } })).toBe(true);
    expect(await asAdmin({ user: { email: 'alice@example.com', is_admin: false } })).toBe(false);
    expect(await asAdmin({ user: { is_admin: 'true' } })).toBe(false);
    expect(await asAdmin({ user: 'admin' })).toBe(false);
  });

  it('asks for credentials without an error attribute when none are sent', async () => {
    const r = await rejection(auth, undefined);
    expect(r.message).toBe('authentication required: send Authorization: Bearer <token>');
    expect(r.challenge).toBe('Bearer realm="mcpgateway"');
    expect((await rejection(auth, '   ')).challenge).toBe('Bearer realm="mcpgateway"');
  });

  it('treats an unsupported scheme like missing credentials (RFC 6750 §3.1)', async () => {
    const r = await rejection(auth, 'Basic YWRtaW46YWRtaW4=');
    expect(r.message).toMatch(/^unsupported authorization scheme basic/);
    expect(r.challenge).toBe('Bearer realm="mcpgateway"');
  });

  it('rejects "Bearer" with an empty token', async () => {
    for (const header of ['Bearer', 'Bearer   ']) {
      const r = await rejection(auth, header);
      expect(r.message).toBe('bearer token is empty');
      expect(r.challenge).toBe(tokenChallenge('bearer token is empty'));
    }
  });

  it('rejects malformed tokens', async () => {
    const why = 'token is malformed (expected a signed JWT: header.payload.signature)';
    for (const token of ['not-a-jwt', 'a.b.c', 'two words', `${b64({ alg: 'HS256' })}.%%%.x`]) {
      const r = await rejection(auth, `Bearer ${token}`);
      expect(r.message).toBe(why);
      expect(r.challenge).toBe(tokenChallenge(why));
    }
  });

  it('rejects an expired token, saying when it expired', async () => {
    const exp = now() - 3600;
    const r = await rejection(auth, `Bearer ${await hs256({ ...goodClaims(), exp })}`);
    const when = new Date(exp * 1000).toISOString();
    expect(r.message).toBe(`token expired at ${when}`);
    expect(r.challenge).toBe(tokenChallenge(`token expired at ${when}`));
  });

  it('rejects a token signed with another secret, without echoing either secret', async () => {
    const r = await rejection(auth, `Bearer ${await hs256(goodClaims(), 'some-other-secret-0123456789')}`);
    expect(r.message).toBe('token signature is invalid');
    expect(r.challenge).toBe(tokenChallenge('token signature is invalid'));
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  it('rejects alg=none (unsigned) tokens', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(goodClaims())}.`;
    const r = await rejection(auth, `Bearer ${token}`);
    expect(r.message).toBe('token algorithm none is not accepted; this gateway requires HS256');
    expect(r.challenge).toBe(tokenChallenge(r.message));
  });

  it('rejects the wrong audience and the wrong issuer, naming the expected value', async () => {
    const aud = await rejection(auth, `Bearer ${await hs256({ ...goodClaims(), aud: 'someone-else' })}`);
    expect(aud.message).toBe('token audience must be mcpgateway-api');
    expect(aud.challenge).toBe(tokenChallenge('token audience must be mcpgateway-api'));
    const iss = await rejection(auth, `Bearer ${await hs256({ ...goodClaims(), iss: 'evil' })}`);
    expect(iss.message).toBe('token issuer must be mcpgateway');
    expect(iss.challenge).toBe(tokenChallenge('token issuer must be mcpgateway'));
  });

  it('requires jti, exp and sub', async () => {
    for (const claim of ['jti', 'exp', 'sub'] as const) {
      const claims: Record<string, unknown> = goodClaims();
      delete claims[claim];
      const r = await rejection(auth, `Bearer ${await hs256(claims)}`);
      expect(r.message).toBe(`token has no ${claim} claim`);
      expect(r.challenge).toBe(tokenChallenge(`token has no ${claim} claim`));
    }
    const r = await rejection(auth, `Bearer ${await hs256({ ...goodClaims(), jti: '' })}`);
    expect(r.message).toBe('token jti claim must be a non-empty string');
  });

  it('honours a custom audience and issuer', async () => {
    const custom = testConfig({ JWT_SECRET_KEY: SECRET, JWT_AUDIENCE: 'my-api', JWT_ISSUER: 'me' });
    const customAuth = await createAuthenticator(custom);
    const token = await createTokenSigner(custom).sign({ username: 'bob', expMinutes: 1, admin: false });
    expect(await customAuth.authenticate({ authorization: `Bearer ${token}` })).toMatchObject({
      subject: 'bob',
    });
    // jose checks iss before aud, so the default gateway names the issuer first.
    expect((await rejection(auth, `Bearer ${token}`)).message).toBe('token issuer must be mcpgateway');
  });
});

describe.each([
  ['RS256', 'rsa'],
  ['ES256', 'ec'],
] as const)('%s bearer tokens with PEM key files', async (alg, type) => {
  const keys = writeKeyPair(alg, type);
  const config = testConfig({
    JWT_ALGORITHM: alg,
    JWT_PUBLIC_KEY_PATH: keys.publicPath,
    JWT_PRIVATE_KEY_PATH: keys.privatePath,
  });
  const auth = await createAuthenticator(config);

  it('accepts a token signed with the private key', async () => {
    const token = await createTokenSigner(config).sign({
      username: 'carol@example.com',
      expMinutes: 5,
      admin: false,
    });
    expect(await auth.authenticate({ authorization: `Bearer ${token}` })).toMatchObject({
      subject: 'carol@example.com',
      isAdmin: false,
      via: 'jwt',
    });
  });

  it('rejects an HS256 token, even one keyed with the public key file (algorithm confusion)', async () => {
    const { readFileSync } = await import('node:fs');
    for (const secret of [SECRET, readFileSync(keys.publicPath, 'utf8')]) {
      const r = await rejection(auth, `Bearer ${await hs256(goodClaims(), secret)}`);
      expect(r.message).toBe(`token algorithm HS256 is not accepted; this gateway requires ${alg}`);
      expect(r.challenge).toBe(tokenChallenge(r.message));
    }
  });

  it('rejects a token signed by another key pair', async () => {
    const other = writeKeyPair(`${alg}-other`, type);
    const forged = await createTokenSigner({ ...config, jwtPrivateKeyPath: other.privatePath }).sign({
      username: 'mallory',
      expMinutes: 5,
      admin: true,
    });
    const r = await rejection(auth, `Bearer ${forged}`);
    expect(r.message).toBe('token signature is invalid');
    expect(r.challenge).toBe(tokenChallenge('token signature is invalid'));
  });
});

describe('key files are loaded once, at start-up', () => {
  it('fails with Invalid naming JWT_PUBLIC_KEY_PATH when the file is missing', async () => {
    const config = testConfig({ JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY_PATH: join(dir, 'nope.pem') });
    await expect(createAuthenticator(config)).rejects.toMatchObject({
      code: 'Invalid',
      message: expect.stringMatching(/JWT_PUBLIC_KEY_PATH=.*nope\.pem cannot be read \(ENOENT\)/),
    });
  });

  it('fails when the file is not a PEM key or does not fit the algorithm', async () => {
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'hello');
    await expect(
      createAuthenticator(testConfig({ JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY_PATH: junk })),
    ).rejects.toMatchObject({ code: 'Invalid', message: expect.stringContaining('is not a PEM public key') });
    const ec = writeKeyPair('mismatch', 'ec');
    await expect(
      createAuthenticator(testConfig({ JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY_PATH: ec.publicPath })),
    ).rejects.toMatchObject({ code: 'Invalid', message: expect.stringContaining('is not an RSA key') });
    await expect(
      createAuthenticator(testConfig({ JWT_ALGORITHM: 'ES384', JWT_PUBLIC_KEY_PATH: ec.publicPath })),
    ).rejects.toMatchObject({ code: 'Invalid', message: expect.stringContaining('curve secp384r1') });
  });
});

describe('HTTP basic auth', async () => {
  const config = testConfig({
    JWT_SECRET_KEY: SECRET,
    BASIC_AUTH_USER: 'admin',
    BASIC_AUTH_PASSWORD: 's3cret:pw',
  });
  const auth = await createAuthenticator(config);
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const both = ['Bearer realm="mcpgateway"', 'Basic realm="mcpgateway"'];

  it('accepts the configured user and password (colons allowed in the password) as an admin', async () => {
    expect(await auth.authenticate({ authorization: basic('admin', 's3cret:pw') })).toEqual({
      subject: 'admin',
      isAdmin: true,
      via: 'basic',
    });
  });

  it('rejects a wrong password or user, offering both challenges', async () => {
    for (const header of [basic('admin', 'wrong'), basic('root', 's3cret:pw'), basic('admin', '')]) {
      const r = await rejection(auth, header);
      expect(r.message).toBe('basic credentials are invalid');
      expect(r.challenge).toEqual(both);
    }
    const malformed = await rejection(auth, `Basic ${Buffer.from('no-colon').toString('base64')}`);
    expect(malformed.message).toMatch(/^basic credentials are malformed/);
    expect(malformed.challenge).toEqual(both);
  });

  it('still takes bearer tokens, and its challenges list Basic too', async () => {
    const token = await createTokenSigner(config).sign({ username: 'dave', expMinutes: 5, admin: false });
    expect(await auth.authenticate({ authorization: `Bearer ${token}` })).toMatchObject({ subject: 'dave' });
    const missing = await rejection(auth, undefined);
    expect(missing.message).toBe(
      'authentication required: send Authorization: Bearer <token> or Basic credentials',
    );
    expect(missing.challenge).toEqual(both);
    const bad = await rejection(auth, 'Bearer a.b.c');
    expect(bad.challenge).toEqual([tokenChallenge(bad.message), 'Basic realm="mcpgateway"']);
  });
});

describe('AUTH_REQUIRED=false', async () => {
  const config = testConfig({ JWT_SECRET_KEY: SECRET, AUTH_REQUIRED: 'false' });
  const auth = await createAuthenticator(config);

  it('lets requests without credentials through as the anonymous admin', async () => {
    expect(await auth.authenticate({})).toBe(ANONYMOUS_ADMIN);
    expect(await auth.authenticate({ authorization: '' })).toBe(ANONYMOUS_ADMIN);
  });

  it('still identifies a valid token', async () => {
    const token = await createTokenSigner(config).sign({ username: 'erin', expMinutes: 5, admin: false });
    expect(await auth.authenticate({ authorization: `Bearer ${token}` })).toMatchObject({
      subject: 'erin',
      via: 'jwt',
    });
  });

  it('still rejects a presented but invalid token', async () => {
    const expired = await hs256({ ...goodClaims(), exp: now() - 3600 });
    const r = await rejection(auth, `Bearer ${expired}`);
    expect(r.message).toMatch(/^token expired at /);
    expect(r.challenge).toBe(tokenChallenge(r.message));
    expect((await rejection(auth, 'Bearer ')).message).toBe('bearer token is empty');
  });
});

describe('the challenge stays a valid header value', async () => {
  const auth = await createAuthenticator(testConfig({ JWT_SECRET_KEY: SECRET }));

  it('does not echo quotes or control characters from an attacker-chosen alg', async () => {
    const token = `${b64({ alg: 'x"\\\r\nSet-Cookie: a=b' })}.${b64(goodClaims())}.`;
    const r = await rejection(auth, `Bearer ${token}`);
    expect(r.message).toMatch(/^token algorithm x\?+/);
    expect(r.challenge).toMatch(
      /^Bearer realm="mcpgateway", error="invalid_token", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]*"$/,
    );
  });
});
