// A real SDK v2 McpServer per opened connection, linked to the forwarder's client in memory (one server = one upstream session).
import { Client, InMemoryTransport, type LoggingLevel } from '@modelcontextprotocol/client';
import { McpServer } from '@modelcontextprotocol/server';
import type { UpstreamConnection } from '../../../../src/federation/connect.js';
import type { ForwardContext } from '../../../../src/federation/forward/forward-context.js';
import type { ForwardGateway } from '../../../../src/federation/forward/gateway-spec.js';
import type { OpenUpstream } from '../../../../src/federation/forward/session-pool.js';

export interface InMemoryUpstream {
  open: OpenUpstream;
  /** Connections opened so far, and those still open. */
  readonly opened: number;
  readonly open_: number;
  /** The client capabilities each connection declared, in order. */
  readonly capabilities: unknown[];
  /** The gateway-side client of each connection, in order (to play a transport failure on it). */
  readonly clients: Client[];
  /** Makes the next `n` opens fail as if the upstream were down. */
  failOpens(n: number): void;
}

export function inMemoryUpstream(build: (server: McpServer) => void): InMemoryUpstream {
  let opened = 0;
  let live = 0;
  let failing = 0;
  const capabilities: unknown[] = [];
  const clients: Client[] = [];
  const open: OpenUpstream = async (_spec, opts) => {
    if (failing > 0) {
      failing -= 1;
      throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    }
    const server = new McpServer({ name: 'upstream', version: '1.0.0' }, { capabilities: { logging: {} } });
    build(server);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client(
      { name: 'gateway', version: '1' },
      { capabilities: opts.clientCapabilities ?? {} },
    );
    const onNotification = opts.onNotification;
    if (onNotification !== undefined) client.fallbackNotificationHandler = async (n) => onNotification(n);
    if (opts.onRequest !== undefined) client.fallbackRequestHandler = opts.onRequest;
    let markClosed = (): void => undefined;
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    client.onclose = () => {
      live -= 1;
      markClosed();
    };
    await client.connect(clientSide);
    opened += 1;
    live += 1;
    capabilities.push(opts.clientCapabilities);
    clients.push(client);
    const connection: UpstreamConnection = {
      client,
      serverInfo: client.getServerVersion(),
      capabilities: client.getServerCapabilities() ?? {},
      protocolVersion: client.getNegotiatedProtocolVersion(),
      instructions: undefined,
      pid: undefined,
      closed,
      close: async () => {
        await client.close();
        await server.close();
      },
    };
    return connection;
  };
  return {
    open,
    get opened() {
      return opened;
    },
    get open_() {
      return live;
    },
    capabilities,
    clients,
    failOpens: (n) => void (failing = n),
  };
}

export const gatewayOf = (
  overrides: Partial<ForwardGateway['spec']> = {},
  state: Partial<ForwardGateway> = {},
) =>
  ({
    spec: {
      gatewayId: 'g1',
      name: 'upstream',
      transport: 'STREAMABLEHTTP',
      url: 'http://upstream.invalid/mcp',
      auth: null,
      timeoutMs: 5000,
      passthroughAuth: false,
      ...overrides,
    },
    enabled: true,
    reachable: true,
    ...state,
  }) satisfies ForwardGateway;

export interface RecordingContext extends ForwardContext {
  readonly notifications: Array<{ method: string; params?: Record<string, unknown> }>;
  readonly requests: Array<{ method: string; params?: Record<string, unknown> }>;
  cancel(): void;
  endSession(): void;
}

/** A calling client: records what reaches it and answers relayed requests with `answer`. */
export function clientContext(
  opts: {
    sessionId?: string;
    progressToken?: string | number;
    capabilities?: Record<string, unknown>;
    upstreamAuthorization?: string;
    meta?: Record<string, unknown>;
    logLevel?: LoggingLevel;
    answer?: (method: string, params: unknown) => Promise<unknown>;
  } = {},
): RecordingContext {
  const call = new AbortController();
  const session = new AbortController();
  const notifications: RecordingContext['notifications'] = [];
  const requests: RecordingContext['requests'] = [];
  return {
    signal: AbortSignal.any([call.signal, session.signal]),
    ...(opts.sessionId === undefined ? {} : { sessionId: opts.sessionId, sessionClosed: session.signal }),
    ...(opts.progressToken === undefined ? {} : { progressToken: opts.progressToken }),
    ...(opts.upstreamAuthorization === undefined
      ? {}
      : { upstreamAuthorization: opts.upstreamAuthorization }),
    ...(opts.meta === undefined ? {} : { meta: opts.meta }),
    ...(opts.logLevel === undefined ? {} : { logLevel: opts.logLevel }),
    clientCapabilities: opts.capabilities ?? {},
    notifications,
    requests,
    sendNotification: (n) => {
      notifications.push(n);
      return Promise.resolve();
    },
    sendRequest: (r) => {
      requests.push(r);
      return opts.answer === undefined
        ? Promise.reject(new Error('no answer'))
        : opts.answer(r.method, r.params);
    },
    cancel: () => call.abort(new Error('cancelled by the client')),
    endSession: () => session.abort(new Error('session ended')),
  };
}
