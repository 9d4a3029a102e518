// `mcpgateway token`: the printed JWT is accepted by the gateway's own authenticator; bad usage exits 2.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../src/auth/authenticator.js';
import { run } from '../../../src/cli/token.js';
import { testConfig } from '../../../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpgw-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the command with an isolated env and cwd (no .env unless a test writes one). */
async function token(argv: string[], env: NodeJS.ProcessEnv = {}, cwd = mkdtempSync(join(dir, 'cwd-'))) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    env,
    cwd,
  });
  return { code, stdout, stderr };
}

describe('mcpgateway token', () => {
  it('prints one JWT, signed with --secret, that the authenticator accepts', async () => {
    const secret = 'cli-secret-0123456789abcdef';
    const out = await token([
      '--username',
      'admin@example.com',
      '--exp',
      '60',
      '--secret',
      secret,
      '--admin',
    ]);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const jwt = out.stdout.trim();

    const auth = await createAuthenticator(testConfig({ JWT_SECRET_KEY: secret }));
    const principal = await auth.authenticate({ authorization: `Bearer ${jwt}` });
    expect(principal).toMatchObject({ subject: 'admin@example.com', isAdmin: true, via: 'jwt' });

    const claims = decodeJwt(jwt);
    expect(claims).toMatchObject({
      sub: 'admin@example.com',
      aud: 'mcpgateway-api',
      iss: 'mcpgateway',
      is_admin: true,
    });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(principal.tokenId).toBe(claims.jti);
  });

  it('defaults to a one-week, non-admin token', async () => {
    const out = await token(['--username', 'u@example.com', '--secret', 'cli-secret-0123456789abcdef']);
    expect(out.code).toBe(0);
    const claims = decodeJwt(out.stdout.trim());
    expect(claims.exp! - claims.iat!).toBe(10080 * 60);
    expect(claims.is_admin).toBe(false);
  });

  it('uses JWT_SECRET_KEY, JWT_AUDIENCE and JWT_ISSUER from the environment or .env', async () => {
    const env = { JWT_SECRET_KEY: 'env-secret-0123456789abcdef', JWT_AUDIENCE: 'aud-x' };
    const fromEnv = await token(['--username', 'a'], env);
    expect(fromEnv.code).toBe(0);
    const auth = await createAuthenticator(testConfig(env));
    expect(await auth.authenticate({ authorization: `Bearer ${fromEnv.stdout.trim()}` })).toMatchObject({
      subject: 'a',
    });

    const cwd = mkdtempSync(join(dir, 'dotenv-'));
    writeFileSync(join(cwd, '.env'), 'JWT_SECRET_KEY=dotenv-secret-0123456789\nJWT_ISSUER=iss-y\n');
    const fromDotEnv = await token(['--username', 'b'], {}, cwd);
    expect(fromDotEnv.code).toBe(0);
    const dotAuth = await createAuthenticator(
      testConfig({ JWT_SECRET_KEY: 'dotenv-secret-0123456789', JWT_ISSUER: 'iss-y' }),
    );
    expect(await dotAuth.authenticate({ authorization: `Bearer ${fromDotEnv.stdout.trim()}` })).toMatchObject(
      {
        subject: 'b',
      },
    );
  });

  it('takes --audience, --issuer and --algorithm over the config', async () => {
    const out = await token([
      '--username',
      'c',
      '--secret',
      'cli-secret-0123456789abcdef',
      '--audience',
      'other-api',
      '--issuer',
      'other-iss',
      '--algorithm',
      'HS512',
    ]);
    expect(out.code).toBe(0);
    const auth = await createAuthenticator(
      testConfig({
        JWT_SECRET_KEY: 'cli-secret-0123456789abcdef',
        JWT_ALGORITHM: 'HS512',
        JWT_AUDIENCE: 'other-api',
        JWT_ISSUER: 'other-iss',
      }),
    );
    expect(await auth.authenticate({ authorization: `Bearer ${out.stdout.trim()}` })).toMatchObject({
      subject: 'c',
    });
  });

  it('signs RS256 tokens with JWT_PRIVATE_KEY_PATH', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicPath = join(dir, 'rs.pub.pem');
    const privatePath = join(dir, 'rs.key.pem');
    writeFileSync(publicPath, pair.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(privatePath, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const env = {
      JWT_ALGORITHM: 'RS256',
      JWT_PUBLIC_KEY_PATH: publicPath,
      JWT_PRIVATE_KEY_PATH: privatePath,
    };
    const out = await token(['--username', 'd'], env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    const auth = await createAuthenticator(testConfig(env));
    expect(await auth.authenticate({ authorization: `Bearer ${out.stdout.trim()}` })).toMatchObject({
      subject: 'd',
    });

    const withSecret = await token(['--username', 'd', '--secret', 'x'], env);
    expect(withSecret.code).toBe(2);
    expect(withSecret.stderr).toContain('--secret is for HS* algorithms');
  });

  it('refuses to sign with a throwaway secret when none is configured', async () => {
    const out = await token(['--username', 'e']);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('pass --secret KEY or set JWT_SECRET_KEY');
  });

  it('exits 2 with a usage line on bad arguments', async () => {
    const cases: [string[], string][] = [
      [['--exp', '60', '--secret', 's'], '--username is required'],
      [['--username', 'u', '--secret', 's', '--exp', '0'], 'exp is required'],
      [['--username', 'u', '--secret', 's', '--exp', 'soon'], '--exp must be a whole number of minutes'],
      [['--username', 'u', '--secret', 's', '--exp=-5'], '--exp must be a whole number of minutes'],
      [['--username', 'u', '--secret', 's', '--algorithm', 'none'], '--algorithm must be one of HS256'],
      [['--username', 'u', '--secret', 's', '--bogus'], "Unknown option '--bogus'"],
      [['--username', 'u', '--secret', 's', 'extra'], 'extra'],
      [['--username'], "--username <value>' argument missing"],
    ];
    for (const [argv, message] of cases) {
      const out = await token(argv);
      expect(out.code, argv.join(' ')).toBe(2);
      expect(out.stdout).toBe('');
      expect(out.stderr).toContain(message);
      expect(out.stderr).toContain('usage: mcpgateway token --username EMAIL');
    }
  });

  it('prints help on --help', async () => {
    const out = await token(['--help']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('usage: mcpgateway token');
  });
});
