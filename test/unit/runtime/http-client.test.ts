import type { LookupAddress } from 'node:dns';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config/load.js';
import { createHttpClient, type HttpClient } from '../../../src/runtime/http-client.js';
import { startUpstream, type UpstreamServer } from './upstream-server.js';

let upstream: UpstreamServer;
const clients: HttpClient[] = [];
const client = (env: Record<string, string>, resolve?: (host: string) => Promise<LookupAddress[]>) => {
  const made = createHttpClient({ config: testConfig(env), ...(resolve ? { resolve } : {}) });
  clients.push(made);
  return made;
};

async function get(c: HttpClient, url: string): Promise<string> {
  try {
    const res = await request(url, { dispatcher: c.dispatcher });
    return `${res.statusCode} ${await res.body.text()}`;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

beforeAll(async () => {
  upstream = await startUpstream({ '/hello': (_req, res) => res.end('hello') });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await upstream.close();
});

describe('guarded HTTP client', () => {
  it('blocks a hostname that resolves to loopback (localhost) by default', async () => {
    const result = await get(client({}), `http://localhost:${upstream.port}/hello`);
    console.log('localhost by default:', result);
    expect(result).toMatch(
      /^error: Outbound request to localhost \((127\.0\.0\.1|::1)\) blocked: loopback address; set SSRF_ALLOW_LOCALHOST=true/,
    );
    expect(upstream.received).toHaveLength(0);
  });

  it('blocks literal loopback IPs, which never go through DNS', async () => {
    const c = client({});
    const before = upstream.received.length;
    expect(await get(c, `${upstream.base}/hello`)).toMatch(/^error: .*127\.0\.0\.1 blocked: loopback/);
    expect(await get(c, `http://[::ffff:127.0.0.1]:${upstream.port}/hello`)).toMatch(/blocked: loopback/);
    expect(upstream.received).toHaveLength(before);
  });

  it('reaches loopback with SSRF_ALLOW_LOCALHOST=true, by name and by address', async () => {
    const c = client({ SSRF_ALLOW_LOCALHOST: 'true' });
    expect(await get(c, `${upstream.base}/hello`)).toBe('200 hello');
    // localhost may resolve to ::1 first, where nothing listens; the guard must still let 127.0.0.1 through
    expect(await get(c, `http://localhost:${upstream.port}/hello`)).toMatch(/^200 hello$|ECONNREFUSED ::1/);
  });

  it('opens exactly the networks in SSRF_ALLOWED_NETWORKS', async () => {
    expect(await get(client({ SSRF_ALLOWED_NETWORKS: '127.0.0.0/8' }), `${upstream.base}/hello`)).toBe(
      '200 hello',
    );
    expect(await get(client({ SSRF_ALLOWED_NETWORKS: '127.0.0.2/32' }), `${upstream.base}/hello`)).toMatch(
      /blocked: loopback/,
    );
  });

  it('refuses a name when any of its addresses is blocked, and connects only to checked addresses', async () => {
    const resolved: string[] = [];
    // A rebinding resolver: the first answer is public, every later one points at loopback.
    let calls = 0;
    const rebinding = (host: string): Promise<LookupAddress[]> => {
      resolved.push(host);
      calls += 1;
      return Promise.resolve(
        calls === 1
          ? [
              { address: '93.184.215.14', family: 4 },
              { address: '127.0.0.1', family: 4 },
            ]
          : [{ address: '127.0.0.1', family: 4 }],
      );
    };
    const c = client({}, rebinding);
    const before = upstream.received.length;
    expect(await get(c, `http://rebind.test:${upstream.port}/hello`)).toMatch(
      /rebind\.test \(127\.0\.0\.1\) blocked: loopback/,
    );
    expect(await get(c, `http://rebind.test:${upstream.port}/hello`)).toMatch(
      /rebind\.test \(127\.0\.0\.1\) blocked: loopback/,
    );
    expect(resolved).toEqual(['rebind.test', 'rebind.test']);
    expect(upstream.received).toHaveLength(before);
  });

  it('connects to the address the checked lookup returned (no second resolution)', async () => {
    // pinned.test exists in no real DNS: the request can only succeed by using the checked answer.
    const c = client({ SSRF_ALLOW_LOCALHOST: 'true' }, () =>
      Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
    );
    expect(await get(c, `http://pinned.test:${upstream.port}/hello`)).toBe('200 hello');
    expect(upstream.received.at(-1)?.headers.host).toBe(`pinned.test:${upstream.port}`);
  });

  it('blocks cloud metadata reached through a name even when private networks are allowed', async () => {
    const c = client({ SSRF_ALLOW_PRIVATE_NETWORKS: 'true', SSRF_ALLOW_LOCALHOST: 'true' }, () =>
      Promise.resolve([{ address: '169.254.169.254', family: 4 }]),
    );
    expect(await get(c, 'http://metadata.google.internal/computeMetadata/v1/')).toMatch(
      /cloud metadata endpoint; always blocked/,
    );
    expect(await get(c, 'http://169.254.169.254/latest/meta-data/')).toMatch(
      /cloud metadata endpoint; always blocked/,
    );
  });

  it('checks nothing when SSRF_PROTECTION_ENABLED=false', async () => {
    const c = client({ SSRF_PROTECTION_ENABLED: 'false' });
    expect(await get(c, `${upstream.base}/hello`)).toBe('200 hello');
  });

  it('offers a fetch over the same guarded agent', async () => {
    const blocked = await client({})
      .fetch(`${upstream.base}/hello`)
      .then(
        () => 'sent',
        (error: Error) => String((error.cause as Error | undefined)?.message ?? error.message),
      );
    expect(blocked).toMatch(/blocked: loopback/);
    const res = await client({ SSRF_ALLOW_LOCALHOST: 'true' }).fetch(`${upstream.base}/hello`);
    expect(await res.text()).toBe('hello');
  });
});
