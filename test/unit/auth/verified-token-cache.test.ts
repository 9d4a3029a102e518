import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createVerifiedTokenCache } from '../../../src/auth/verified-token-cache.js';

const principal = { subject: 'a@example.com', isAdmin: false, via: 'jwt' as const };
const token = (expSeconds: number) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(expSeconds)
    .sign(new TextEncoder().encode('k'));

describe('verified token cache', () => {
  it('trusts a token for at most maxAgeMs and never past its exp', async () => {
    let now = 1_000_000_000_000;
    const cache = createVerifiedTokenCache({ maxAgeMs: 60_000, now: () => now });
    const long = await token(now / 1000 + 3600);
    const short = await token(now / 1000 + 5);
    cache.set(long, principal);
    cache.set(short, principal);
    now += 4_000;
    expect(cache.get(long)).toEqual(principal);
    expect(cache.get(short)).toEqual(principal);
    now += 2_000;
    expect(cache.get(short)).toBeUndefined();
    now += 60_000;
    expect(cache.get(long)).toBeUndefined();
  });

  it('drops the oldest entry when full', async () => {
    const cache = createVerifiedTokenCache({ maxEntries: 2 });
    const [a, b, c] = await Promise.all([1, 2, 3].map((n) => token(Math.floor(Date.now() / 1000) + 60 + n)));
    cache.set(a!, principal);
    cache.set(b!, principal);
    cache.set(c!, principal);
    expect(cache.get(a!)).toBeUndefined();
    expect(cache.get(c!)).toEqual(principal);
  });
});
