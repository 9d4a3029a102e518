// SsrfGuard: decides whether an outbound URL or a resolved address may be contacted, under the SSRF_* settings.
import ipaddr from 'ipaddr.js';
import type { Config } from '../config/load.js';
import { AppError } from '../errors/app-error.js';
import { classifyAddress, parseNetworks } from './address-rules.js';

export type SsrfSettings = Pick<
  Config,
  'ssrfProtectionEnabled' | 'ssrfAllowLocalhost' | 'ssrfAllowPrivateNetworks' | 'ssrfAllowedNetworks'
>;

export interface SsrfGuard {
  /** False when SSRF_PROTECTION_ENABLED=false: only the URL syntax rules apply. */
  readonly enabled: boolean;
  /** Parses and checks a URL (scheme, length, literal-IP host); hostnames are checked once resolved. */
  checkUrl(url: string): URL;
  /** Checks one resolved address; `host` names the destination in the error message. */
  checkAddress(address: string, host?: string): void;
}

export const MAX_URL_LENGTH = 2048;
const ALLOWED_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);

/** Strips the brackets WHATWG URL keeps around IPv6 hosts. */
export function bareHostname(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

export function createSsrfGuard(settings: SsrfSettings): SsrfGuard {
  const allowedNetworks = parseNetworks(settings.ssrfAllowedNetworks);
  const enabled = settings.ssrfProtectionEnabled;

  const checkAddress = (address: string, host?: string): void => {
    if (!enabled) return;
    if (!ipaddr.isValid(address)) {
      throw new AppError({ code: 'Invalid', message: `Not an IP address: ${JSON.stringify(address)}` });
    }
    const verdict = classifyAddress(ipaddr.parse(address), {
      allowedNetworks,
      allowLocalhost: settings.ssrfAllowLocalhost,
      allowPrivate: settings.ssrfAllowPrivateNetworks,
    });
    if (verdict.allowed) return;
    const target = host !== undefined && host !== address ? `${host} (${address})` : address;
    throw new AppError({
      code: 'Forbidden',
      message: `Outbound request to ${target} blocked: ${verdict.reason}; ${verdict.remedy}`,
      data: { rule: verdict.rule, address, host: host ?? address },
    });
  };

  const checkUrl = (text: string): URL => {
    if (text.length > MAX_URL_LENGTH) {
      throw new AppError({
        code: 'Invalid',
        message: `URL is ${text.length} characters long; the limit is ${MAX_URL_LENGTH}`,
      });
    }
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new AppError({ code: 'Invalid', message: `Invalid URL: ${JSON.stringify(text.slice(0, 200))}` });
    }
    if (!ALLOWED_SCHEMES.has(url.protocol)) {
      throw new AppError({
        code: 'Invalid',
        message: `URL scheme "${url.protocol.slice(0, -1)}" is not allowed; use http, https, ws or wss`,
      });
    }
    if (url.hostname === '') throw new AppError({ code: 'Invalid', message: `URL has no host: ${text}` });
    // WHATWG parsing already turned 2130706433, 0x7f.1 and 127.1 into dotted IPv4, so isValid sees them.
    const host = bareHostname(url.hostname);
    if (ipaddr.isValid(host)) checkAddress(host);
    return url;
  };

  return { enabled, checkUrl, checkAddress };
}
