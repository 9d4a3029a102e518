import { describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config/load.js';
import { AppError } from '../../../src/errors/app-error.js';
import { createSsrfGuard } from '../../../src/runtime/ssrf-guard.js';

const guardWith = (env: Record<string, string> = {}) => createSsrfGuard(testConfig(env));

function rejection(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the guard to refuse');
}

describe('SSRF guard: URLs', () => {
  const guard = guardWith();

  it('accepts public http, https, ws and wss URLs', () => {
    for (const url of [
      'http://example.com/x',
      'https://8.8.8.8/',
      'ws://example.com/ws',
      'wss://[2606:4700::1111]/',
    ])
      expect(guard.checkUrl(url).href).toBe(new URL(url).href);
  });

  it('rejects malformed URLs, other schemes and URLs past 2048 characters as Invalid', () => {
    for (const url of [
      'not a url',
      'file:///etc/passwd',
      'gopher://example.com/',
      'ftp://example.com/',
      `https://example.com/${'a'.repeat(2048)}`,
    ]) {
      const error = rejection(() => guard.checkUrl(url));
      expect(error.code, url).toBe('Invalid');
    }
    expect(rejection(() => guard.checkUrl('file:///etc/passwd')).message).toMatch(
      /scheme "file" is not allowed/,
    );
  });

  it('sees through alternative spellings of loopback', () => {
    for (const url of [
      'http://2130706433/',
      'http://0x7f.1/',
      'http://127.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://0.0.0.0/',
      'http://[::]/',
    ]) {
      const error = rejection(() => guard.checkUrl(url));
      expect(error.code, url).toBe('Forbidden');
      expect(error.message, url).toMatch(/loopback address; set SSRF_ALLOW_LOCALHOST=true/);
    }
  });
});

describe('SSRF guard: addresses', () => {
  it('blocks cloud metadata whatever else is allowed', () => {
    const lenient = guardWith({
      SSRF_ALLOW_LOCALHOST: 'true',
      SSRF_ALLOW_PRIVATE_NETWORKS: 'true',
      SSRF_ALLOWED_NETWORKS: '169.254.0.0/16,100.64.0.0/10,fd00::/8,0.0.0.0/0',
    });
    for (const address of [
      '169.254.169.254',
      'fd00:ec2::254',
      '100.100.100.200',
      '169.254.170.2',
      '::ffff:169.254.169.254',
      '64:ff9b::a9fe:a9fe',
      '2002:a9fe:a9fe::1',
    ]) {
      const error = rejection(() => lenient.checkAddress(address));
      expect(error.code, address).toBe('Forbidden');
      expect(error.message, address).toMatch(/cloud metadata endpoint; always blocked/);
    }
    const printed = rejection(() =>
      lenient.checkAddress('169.254.169.254', 'metadata.google.internal'),
    ).message;
    console.log('metadata:', printed);
    expect(printed).toContain('metadata.google.internal (169.254.169.254)');
  });

  it('blocks private, link-local, CGNAT and unique-local unless SSRF_ALLOW_PRIVATE_NETWORKS', () => {
    const strict = guardWith();
    const privateOk = guardWith({ SSRF_ALLOW_PRIVATE_NETWORKS: 'true' });
    for (const address of [
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.1.1',
      '100.64.0.1',
      'fc00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
    ]) {
      const error = rejection(() => strict.checkAddress(address));
      expect(error.message, address).toMatch(
        /private network address .*SSRF_ALLOW_PRIVATE_NETWORKS=true or add its network to SSRF_ALLOWED_NETWORKS/,
      );
      expect(() => privateOk.checkAddress(address), address).not.toThrow();
    }
    console.log('private:', rejection(() => strict.checkAddress('10.1.2.3')).message);
  });

  it('keeps loopback and private apart', () => {
    const localOnly = guardWith({ SSRF_ALLOW_LOCALHOST: 'true' });
    expect(() => localOnly.checkAddress('127.0.0.5')).not.toThrow();
    expect(() => localOnly.checkAddress('::1')).not.toThrow();
    expect(() => localOnly.checkAddress('10.0.0.1')).toThrow(/private/);
    const privateOnly = guardWith({ SSRF_ALLOW_PRIVATE_NETWORKS: 'true' });
    expect(() => privateOnly.checkAddress('127.0.0.1')).toThrow(/SSRF_ALLOW_LOCALHOST/);
  });

  it('blocks multicast, broadcast and reserved class E unless listed in SSRF_ALLOWED_NETWORKS', () => {
    const lenient = guardWith({ SSRF_ALLOW_LOCALHOST: 'true', SSRF_ALLOW_PRIVATE_NETWORKS: 'true' });
    for (const address of [
      '224.0.0.1',
      '239.255.255.250',
      '255.255.255.255',
      '240.0.0.1',
      'ff02::1',
      '0.1.2.3',
    ])
      expect(() => lenient.checkAddress(address), address).toThrow(/non-unicast or unroutable/);
  });

  it('lets SSRF_ALLOWED_NETWORKS open exactly the listed networks', () => {
    const guard = guardWith({ SSRF_ALLOWED_NETWORKS: '10.20.0.0/16, 127.0.0.1, fd12:3456::/32' });
    expect(() => guard.checkAddress('10.20.5.6')).not.toThrow();
    expect(() => guard.checkAddress('10.21.0.1')).toThrow(/private/);
    expect(() => guard.checkAddress('127.0.0.1')).not.toThrow();
    expect(() => guard.checkAddress('127.0.0.2')).toThrow(/loopback/);
    expect(() => guard.checkAddress('fd12:3456::9')).not.toThrow();
  });

  it('names the variable when SSRF_ALLOWED_NETWORKS holds something that is not a CIDR', () => {
    expect(() => guardWith({ SSRF_ALLOWED_NETWORKS: '10.0.0.0/8,intranet' })).toThrow(
      /SSRF_ALLOWED_NETWORKS.*"intranet" is not a CIDR/,
    );
  });

  it('allows public addresses, and everything when SSRF_PROTECTION_ENABLED=false', () => {
    const guard = guardWith();
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      expect(() => guard.checkAddress(address)).not.toThrow();
    const off = guardWith({ SSRF_PROTECTION_ENABLED: 'false' });
    expect(off.enabled).toBe(false);
    expect(() => off.checkAddress('127.0.0.1')).not.toThrow();
    expect(off.checkUrl('http://10.0.0.1/').hostname).toBe('10.0.0.1');
    expect(() => off.checkUrl('file:///etc/passwd')).toThrow(/scheme/);
  });
});
