// The checks every MCP endpoint runs before any session logic: Origin and Host (DNS rebinding), then bearer auth.
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../errors/app-error.js';

export interface GuardOptions {
  /** The address the server binds to: Host is checked only when it is a loopback address. */
  bindHost: string;
  /** Extra browser origins allowed besides the server's own host (config.allowedOrigins). */
  allowedOrigins: readonly string[];
}

const forbidden = (message: string): AppError => new AppError({ code: 'Forbidden', message });

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const isLoopback = (hostname: string): boolean =>
  LOOPBACK_NAMES.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

function originOf(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Precomputes the allowed origins once, normalized the way browsers send them. */
export function createRequestGuards(opts: GuardOptions) {
  const allowed = new Set<string>();
  const allowedHostnames = new Set<string>();
  for (const entry of opts.allowedOrigins) {
    const url = originOf(entry);
    if (url === undefined) continue;
    allowed.add(url.origin);
    allowedHostnames.add(url.hostname);
  }
  const loopbackBound = isLoopback(opts.bindHost.toLowerCase());

  return {
    /**
     * A browser page on another site must not drive the gateway with the user's network position:
     * its Origin is refused (403). `Origin: null` (sandboxed frames, file://) is a foreign origin. No
     * Origin at all is a non-browser client, which the spec allows.
     */
    checkOrigin(headers: IncomingHttpHeaders): void {
      const origin = headers.origin;
      if (origin === undefined) return;
      const url = originOf(origin);
      if (origin === 'null' || url === undefined || !/^https?:$/.test(url.protocol))
        throw forbidden(`Origin ${origin} is not allowed`);
      if (allowed.has(url.origin)) return;
      if (url.host.toLowerCase() === (headers.host ?? '').toLowerCase()) return;
      throw forbidden(`Origin ${origin} is not allowed (add it to ALLOWED_ORIGINS)`);
    },

    /**
     * DNS rebinding: a name the attacker controls resolving to 127.0.0.1 reaches a loopback-bound
     * gateway with its own Host header. Bound to loopback, only loopback names (and the hosts of
     * ALLOWED_ORIGINS) are served.
     */
    checkHost(headers: IncomingHttpHeaders): void {
      if (!loopbackBound) return;
      const host = originOf(`http://${headers.host ?? ''}`);
      const hostname = host?.hostname.toLowerCase() ?? '';
      if (host === undefined || hostname === '' || (!isLoopback(hostname) && !allowedHostnames.has(hostname)))
        throw forbidden(`Host ${headers.host ?? '(none)'} is not allowed on a loopback-bound gateway`);
    },
  };
}

export type RequestGuards = ReturnType<typeof createRequestGuards>;
