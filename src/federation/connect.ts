// connectUpstream: an initialized SDK client to one federated MCP server over Streamable HTTP, SSE or a stdio child.
import {
  Client,
  SSEClientTransport,
  type ClientCapabilities,
  type ClientContext,
  type FetchLike,
  type Implementation,
  type JSONRPCRequest,
  type Notification,
  type Result,
  type ServerCapabilities,
  type Transport,
} from '@modelcontextprotocol/client';
import { AppError } from '../errors/app-error.js';
import type { HttpClient } from '../runtime/http-client.js';
import { APP_VERSION } from '../version.js';
import { describeConnectFailure } from './connect-failure.js';
import type { ClientCredentialsTokens } from './client-credentials.js';
import type { StdioProcesses, StdioUpstream } from './stdio/stdio-process.js';
import { StreamableHttpUpstream } from './streamable/streamable-upstream.js';
import { upstreamHeaders, type UpstreamHeaders } from './streamable/upstream-headers.js';
import type { UpstreamSpec } from './upstream-spec.js';

export interface ConnectOptions {
  /** The guarded outbound client: required for STREAMABLEHTTP and SSE (every request passes the SSRF guard). */
  http?: HttpClient;
  /** Where STDIO children are spawned and tracked (reaped on gateway delete/disable and shutdown). */
  stdio?: StdioProcesses;
  /** Required when the gateway uses OAuth client credentials. */
  oauth?: ClientCredentialsTokens;
  clientInfo?: Implementation;
  clientCapabilities?: ClientCapabilities;
  /** Every upstream notification without a handler of its own (progress, list_changed, logging, …). */
  onNotification?: (notification: Notification) => void | Promise<void>;
  /** Every upstream→client request without a handler of its own (sampling, elicitation, roots/list). */
  onRequest?: (request: JSONRPCRequest, ctx: ClientContext) => Promise<Result>;
  /**
   * Extra headers on every HTTP request, applied after the gateway's own auth (the forwarder's passthrough
   * `Authorization` from X-Upstream-Authorization goes here). Never the downstream client's own Authorization.
   */
  headers?: Readonly<Record<string, string>>;
  /** Handshake deadline; defaults to spec.timeoutMs. */
  timeoutMs?: number;
}

export interface UpstreamConnection {
  client: Client;
  serverInfo: Implementation | undefined;
  capabilities: ServerCapabilities;
  protocolVersion: string | undefined;
  instructions: string | undefined;
  /** The stdio child's pid (its process group id), for STDIO gateways. */
  pid: number | undefined;
  /** Resolves when the connection is gone (closed by us, by the upstream, or the child exited). */
  closed: Promise<void>;
  /** Closes the session (and stops the stdio child with its process group). Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the transport for `spec`, runs `initialize`, and returns the ready client. Failures are AppError
 * UpstreamFailed (502) saying what failed: connection refused, HTTP 401 from upstream, not an MCP server, timeout.
 */
export async function connectUpstream(spec: UpstreamSpec, opts: ConnectOptions): Promise<UpstreamConnection> {
  const timeoutMs = opts.timeoutMs ?? spec.timeoutMs;
  const client = new Client(opts.clientInfo ?? { name: 'mcpgateway', version: APP_VERSION }, {
    capabilities: opts.clientCapabilities ?? {},
  });
  if (opts.onNotification !== undefined) {
    const onNotification = opts.onNotification;
    client.fallbackNotificationHandler = async (n) => onNotification(n);
  }
  if (opts.onRequest !== undefined) client.fallbackRequestHandler = opts.onRequest;

  let child: StdioUpstream | undefined;
  let url: URL | undefined;
  let transport: Transport;
  try {
    if (spec.transport === 'STDIO') {
      child = await spawnChild(spec, opts);
      transport = child.transport;
    } else {
      if (opts.http === undefined)
        throw new AppError({ code: 'Internal', message: 'connectUpstream needs the guarded HTTP client' });
      url = opts.http.guard.checkUrl(spec.url);
      const headers = upstreamHeaders(spec.auth, opts.oauth, opts.headers ?? {});
      transport =
        spec.transport === 'SSE'
          ? new SSEClientTransport(url, { fetch: authorizedFetch(opts.http, headers) })
          : new StreamableHttpUpstream({ url, dispatcher: opts.http.dispatcher, headers });
    }
  } catch (error) {
    throw failure(spec, error, url, timeoutMs);
  }

  let closed = false;
  let markClosed: () => void = () => undefined;
  const closedPromise = new Promise<void>((resolve) => (markClosed = resolve));
  client.onclose = () => {
    closed = true;
    markClosed();
  };
  const close = async () => {
    if (!closed) await client.close().catch(() => undefined);
    if (child !== undefined) await child.stop();
    closed = true;
    markClosed();
  };

  try {
    await withDeadline(client.connect(transport, { timeout: timeoutMs }), timeoutMs);
  } catch (error) {
    const stderr = child?.stderrTail();
    await close();
    const failed = failure(spec, error, url, timeoutMs);
    if (stderr) failed.message += ` (stderr: ${stderr.slice(-300)})`;
    throw failed;
  }
  return {
    client,
    serverInfo: client.getServerVersion(),
    capabilities: client.getServerCapabilities() ?? {},
    protocolVersion: client.getNegotiatedProtocolVersion(),
    instructions: client.getInstructions(),
    pid: child?.pid,
    closed: closedPromise,
    close,
  };
}

async function spawnChild(spec: UpstreamSpec, opts: ConnectOptions): Promise<StdioUpstream> {
  const argv = spec.command ?? [];
  if (argv.length === 0)
    throw new AppError({ code: 'Invalid', message: `Gateway ${spec.name} has no stdio command` });
  if (opts.stdio === undefined)
    throw new AppError({ code: 'Internal', message: 'connectUpstream needs the stdio process registry' });
  return opts.stdio.spawn(spec.gatewayId, argv);
}

/** Refusals of ours (SSRF guard, bad config) keep their code wherever they were thrown; the rest is a 502. */
function ownRefusal(error: unknown): AppError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth += 1) {
    if (current instanceof AppError)
      return current.code === 'UpstreamFailed' || current.code === 'Unavailable' ? undefined : current;
    current = current.cause;
  }
  return undefined;
}

function failure(spec: UpstreamSpec, error: unknown, url: URL | undefined, timeoutMs: number): AppError {
  const refusal = ownRefusal(error);
  if (refusal !== undefined) return refusal;
  const where = spec.transport === 'STDIO' ? `stdio command ${spec.command?.[0] ?? '?'}` : spec.url;
  return new AppError({
    code: 'UpstreamFailed',
    message: `Cannot connect to gateway ${spec.name} (${where}): ${describeConnectFailure(error, url, timeoutMs)}`,
    cause: error,
  });
}

/** The SDK's own timeout covers requests; this also bounds transport start (an SSE endpoint that never answers). */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AppError({ code: 'UpstreamFailed', message: `timed out after ${ms} ms` })),
      ms,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * A fetch over the guarded agent that adds the gateway's credentials to every request the SDK's SSE transport
 * makes. A 401 with an OAuth token drops it, and the request is retried once with a fresh one.
 */
export function authorizedFetch(http: HttpClient, headers: UpstreamHeaders): FetchLike {
  const send = async (input: string | URL, init: RequestInit | undefined) => {
    const merged = new Headers(init?.headers);
    for (const [k, v] of Object.entries(await headers.current())) merged.set(k, v);
    const response = await http.fetch(input, {
      ...(init as Parameters<HttpClient['fetch']>[1]),
      headers: [...merged],
    });
    return response as unknown as Response;
  };
  return async (input, init) => {
    const first = await send(input, init);
    if (first.status !== 401 || !headers.rejected()) return first;
    await first.body?.cancel().catch(() => undefined);
    return send(input, init);
  };
}
