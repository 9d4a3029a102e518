// Walks the whole route table: every non-public route refuses each kind of bad credential with 401 + WWW-Authenticate.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';

const PUBLIC_ROUTES = new Set(
  ['', '/v1'].flatMap((v) => [`GET ${v}/health`, `HEAD ${v}/health`, `GET ${v}/ready`, `HEAD ${v}/ready`]),
);

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function badTokens(t: TestApp): Promise<Array<[string, string | undefined]>> {
  const secret = new TextEncoder().encode(t.config.jwtSecretKey);
  const base = () =>
    new SignJWT({ is_admin: true })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('admin@example.com')
      .setIssuedAt()
      .setJti('j1');
  const now = Math.floor(Date.now() / 1000);
  return [
    ['missing', undefined],
    ['empty bearer', 'Bearer '],
    ['malformed', 'Bearer not.a.jwt'],
    ['wrong scheme', 'Token abc'],
    [
      'expired',
      `Bearer ${await base()
        .setAudience(t.config.jwtAudience)
        .setIssuer(t.config.jwtIssuer)
        .setExpirationTime(now - 3600)
        .sign(secret)}`,
    ],
    [
      'wrong signature',
      `Bearer ${await base().setAudience(t.config.jwtAudience).setIssuer(t.config.jwtIssuer).setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-entirely'))}`,
    ],
    [
      'alg none',
      `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'admin@example.com', is_admin: true, aud: t.config.jwtAudience, iss: t.config.jwtIssuer, exp: now + 3600, jti: 'x' })}.`,
    ],
    [
      'wrong audience',
      `Bearer ${await base().setAudience('someone-else').setIssuer(t.config.jwtIssuer).setExpirationTime('1h').sign(secret)}`,
    ],
    [
      'no jti',
      `Bearer ${await new SignJWT({ is_admin: true }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setAudience(t.config.jwtAudience).setIssuer(t.config.jwtIssuer).setExpirationTime('1h').sign(secret)}`,
    ],
  ];
}

const [backend] = backends();

describe('auth decisions on every route', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(backend!);
  });
  afterAll(async () => t.close());

  it('has a decision for every route and only the health probes are public', () => {
    expect(t.app.routeAuth.length).toBeGreaterThan(10);
    const publicRoutes = t.app.routeAuth
      .filter((r) => r.auth === 'public')
      .map((r) => `${r.method} ${r.url}`);
    for (const route of publicRoutes) expect(PUBLIC_ROUTES.has(route), `${route} is public`).toBe(true);
  });

  it('answers 401 with WWW-Authenticate for every bad credential on every protected route', async () => {
    const cases = await badTokens(t);
    const protectedRoutes = t.app.routeAuth.filter(
      (r) => r.auth !== 'public' && r.method !== 'HEAD' && r.method !== 'OPTIONS',
    );
    for (const route of protectedRoutes) {
      const url = route.url.replace(/:(\w+)/g, 'x').replace('*', 'x');
      for (const [label, authorization] of cases) {
        const res = await t.app.inject({
          method: route.method as 'GET',
          url,
          headers: authorization === undefined ? {} : { authorization },
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
        });
        expect(res.statusCode, `${route.method} ${route.url} with ${label}`).toBe(401);
        expect(res.headers['www-authenticate'], `${route.method} ${route.url} with ${label}`).toMatch(
          /^Bearer realm="mcpgateway"/,
        );
        // REST answers {"detail"}; MCP endpoints (auth 'self') answer a JSON-RPC error.
        const body = res.json();
        expect(
          route.auth === 'self' ? body.error?.message : body.detail,
          `${route.method} ${route.url}`,
        ).toEqual(expect.any(String));
      }
    }
  });

  it('lets a valid token through', async () => {
    expect((await t.call('GET', '/version')).statusCode).toBe(200);
    expect((await t.call('GET', '/health', undefined, null)).json()).toEqual({ status: 'healthy' });
  });
});
