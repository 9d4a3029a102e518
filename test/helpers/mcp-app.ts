// A bare Fastify app with only the MCP routes, a MemoryCatalog, a memory SessionStore and a fake authenticator.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Principal } from '../../src/auth/principal.js';
import { MemoryEventBus } from '../../src/cache/memory-event-bus.js';
import { MemorySessionStore } from '../../src/cache/memory-session-store.js';
import { testConfig } from '../../src/config/load.js';
import { AppError } from '../../src/errors/app-error.js';
import { registerMcpRoutes, type McpLimits } from '../../src/mcp/routes.js';
import { DEFAULT_MAX_SESSIONS_PER_PRINCIPAL, SessionHub, sessionTimings } from '../../src/mcp/session-hub.js';
import { MemoryCatalog } from './memory-catalog.js';

export interface McpTestApp {
  app: FastifyInstance;
  catalog: MemoryCatalog;
  sessions: MemorySessionStore;
  clock: { now: number };
  /** http://127.0.0.1:port once listen() ran (e2e tests). */
  url: string;
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface McpTestAppOptions {
  env?: Record<string, string>;
  limits?: Partial<McpLimits>;
  maxSessionsPerPrincipal?: number;
  catalog?: MemoryCatalog;
}

/** `Bearer <name>` authenticates as <name>@example.com; anything else is a 401 with a challenge. */
export async function fakeAuthenticate(headers: { authorization?: string | undefined }): Promise<Principal> {
  const match = /^Bearer ([a-z]+)$/.exec(headers.authorization ?? '');
  if (match === null)
    throw new AppError({
      code: 'Unauthorized',
      message: 'authentication required',
      data: { wwwAuthenticate: 'Bearer realm="mcpgateway"' },
    });
  return Promise.resolve({ subject: `${match[1]}@example.com`, isAdmin: false, via: 'jwt' });
}

export const auth = (name = 'alice'): Record<string, string> => ({ authorization: `Bearer ${name}` });

export async function buildMcpTestApp(opts: McpTestAppOptions = {}): Promise<McpTestApp> {
  const config = testConfig({ SSE_KEEPALIVE_INTERVAL: '1', ...opts.env });
  const clock = { now: Date.now() };
  const sessions = new MemorySessionStore({ ttlSeconds: config.sessionTtl, now: () => clock.now });
  const catalog = opts.catalog ?? new MemoryCatalog();
  // Timeouts below Node's defaults, as the real app sets them (DESIGN §5: stalled connections are closed).
  // forceCloseConnections: a client may open a connection and never send on it (undici does, racing an
  // abort against close()); Node only reaps those at the next headersTimeout check, up to 30 s later.
  const app = Fastify({
    logger: false,
    bodyLimit: config.maxBodyBytes,
    requestTimeout: 30_000,
    forceCloseConnections: true,
    // As the real app: while draining, the MCP routes decide what still gets in (a client's replies do).
    return503OnClosing: false,
  });
  app.server.headersTimeout = 15_000;
  const hub = new SessionHub({
    store: sessions,
    catalog,
    bus: new MemoryEventBus(),
    logger: app.log,
    maxSessionsPerPrincipal: opts.maxSessionsPerPrincipal ?? DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
    ...sessionTimings(config.sessionTtl),
  });
  registerMcpRoutes(app, {
    catalog,
    hub,
    config,
    authenticate: fakeAuthenticate,
    logger: app.log,
    limits: opts.limits,
  });
  await app.ready();
  const harness: McpTestApp = {
    app,
    catalog,
    sessions,
    clock,
    url: '',
    async listen() {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      harness.url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
      return harness.url;
    },
    close: () => app.close(),
  };
  return harness;
}
