// HttpClient: the pooled outbound HTTP agent; every connection's addresses pass the SSRF guard and are pinned.
import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch, type Dispatcher } from 'undici';
import { bareHostname, createSsrfGuard, type SsrfGuard, type SsrfSettings } from './ssrf-guard.js';

/** Resolves a hostname to every address it has (the DNS side; tests may pass a fixed table). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export interface HttpClientOptions {
  config: SsrfSettings;
  /** Open connections per origin (scheme+host+port); further requests queue. */
  connectionsPerOrigin?: number;
  connectTimeoutMs?: number;
  /** Idle keep-alive sockets are closed after this long. */
  keepAliveTimeoutMs?: number;
  resolve?: Resolver;
}

export interface HttpClient {
  readonly dispatcher: Dispatcher;
  readonly guard: SsrfGuard;
  /** undici's fetch over the guarded agent, for SDK transports that accept a custom fetch. */
  fetch(input: string | URL, init?: Parameters<typeof undiciFetch>[1]): ReturnType<typeof undiciFetch>;
  /** A `net` lookup that resolves then checks every address; for clients (e.g. `ws`) that take one. */
  readonly lookup: LookupFunction;
  close(): Promise<void>;
}

const defaultResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, order: 'verbatim' });

/**
 * Resolves, checks every address, and answers only with checked ones: `net` connects to exactly what
 * this returns and never resolves again, so a rebinding DNS server cannot swap the address afterwards.
 * All addresses must pass (not just one) because `net` may try any of them (happy eyeballs).
 */
export function createGuardedLookup(guard: SsrfGuard, resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname)
      .then((all) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const addresses = wanted === undefined ? all : all.filter((a) => a.family === wanted);
        if (addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          error.code = 'ENOTFOUND';
          callback(error, '');
          return;
        }
        for (const { address } of addresses) guard.checkAddress(address, hostname);
        if (options.all === true) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      })
      .catch((error: unknown) => callback(error as NodeJS.ErrnoException, ''));
  };
}

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const guard = createSsrfGuard(opts.config);
  const lookup = createGuardedLookup(guard, opts.resolve ?? defaultResolver);
  const baseConnect = buildConnector({
    timeout: opts.connectTimeoutMs ?? 10_000,
    ...(guard.enabled ? { lookup } : {}),
  });
  // Literal-IP hosts never reach `lookup` (net skips DNS for them), so they are checked here.
  const connect: buildConnector.connector = (options, callback) => {
    const host = bareHostname(options.hostname);
    if (isIP(host) !== 0) {
      try {
        guard.checkAddress(host);
      } catch (error) {
        callback(error as Error, null);
        return;
      }
    }
    baseConnect(options, callback);
  };
  const agent = new Agent({
    connections: opts.connectionsPerOrigin ?? 32,
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? 4_000,
    connect,
  });
  return {
    dispatcher: agent,
    guard,
    lookup,
    fetch: (input, init) => undiciFetch(input, { ...init, dispatcher: agent }),
    close: () => agent.close(),
  };
}
