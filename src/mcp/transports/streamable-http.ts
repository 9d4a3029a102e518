// Streamable HTTP (/mcp, /servers/{id}/mcp): sessions for the 2025 revisions, stateless 2026-07-28 beside them.
//
// Decision: our own transport over the one Dispatcher, not the SDK's NodeStreamableHTTPServerTransport.
// The SDK transport is one object per session holding its state in memory and expects a connected
// SDK Server (its own handler table); it answers unknown sessions itself, keeps its event store
// unbounded unless we supply one, and cannot share a session record with another instance. Keeping
// the HTTP layer here lets every transport call the same Dispatcher, keeps the session record in the
// SessionStore (so Redis/database backends can share it), bounds the event store, and puts the spec's
// status codes (404 unknown session, 400 missing session or bad MCP-Protocol-Version) in one place.
// From the SDK we take the wire vocabulary: types, param schemas, and `classifyInboundRequest`, the
// SDK's own era classifier, so the stateless revision is recognised exactly as the SDK client sends it.
import { classifyInboundRequest, PROTOCOL_VERSION_META_KEY } from '@modelcontextprotocol/server';
import type { Dispatcher } from '../dispatcher.js';
import type { LiveSession } from '../live-session.js';
import {
  classifyMessage,
  idKey,
  INVALID_REQUEST,
  isRecord,
  JsonRpcError,
  type RequestId,
} from '../protocol/json-rpc.js';
import {
  isSessionVersion,
  negotiateSessionVersion,
  primesSseStreams,
  SESSION_VERSIONS,
} from '../protocol/versions.js';
import type { SessionHub } from '../session-hub.js';
import type { EventStoreLimits } from './event-store.js';
import { accepts, type InboundRequest } from './inbound-request.js';
import { headerOf, writeAccepted, writeJson } from './http-io.js';
import { PostReply } from './post-reply.js';
import type { StatelessHttp } from './stateless-http.js';
import { StreamableChannel } from './streamable-channel.js';

export interface StreamableHttpOptions {
  dispatcher: Dispatcher;
  hub: SessionHub;
  stateless: StatelessHttp;
  keepAliveMs: number;
  eventLimits: EventStoreLimits;
}

/**
 * The `retry` (ms) of priming events: how long a client waits before polling a stream whose connection ended
 * without its response (SEP-1699). We never close a stream early ourselves; a drop, a cut-off slow reader or a
 * restart does, and a second is long enough not to hammer an instance that is going away.
 */
const POLL_RETRY_MS = 1000;

const badRequest = (message: string, data?: unknown): JsonRpcError =>
  new JsonRpcError(INVALID_REQUEST, `Bad Request: ${message}`, data, 400);

export class StreamableHttp {
  constructor(private readonly opts: StreamableHttpOptions) {}

  async post(http: InboundRequest, body: unknown): Promise<void> {
    const { req } = http;
    if (
      !accepts(req, 'application/json') &&
      !accepts(req, 'text/event-stream') &&
      req.headers.accept !== undefined
    )
      throw new JsonRpcError(
        INVALID_REQUEST,
        'Not Acceptable: accept application/json or text/event-stream',
        undefined,
        406,
      );
    if (isPlainSessionMessage(body, req.headers)) return this.#postSession(http, body);
    const route = classifyInboundRequest({
      httpMethod: 'POST',
      body,
      ...optionalHeader('protocolVersionHeader', req.headers['mcp-protocol-version']),
      ...optionalHeader('mcpMethodHeader', req.headers['mcp-method']),
      ...optionalHeader('mcpNameHeader', req.headers['mcp-name']),
    });
    if (route.kind === 'reject')
      throw new JsonRpcError(route.code, route.message, route.data, route.httpStatus);
    if (route.kind === 'modern') return this.opts.stateless.handle(http, route);
    return this.#postSession(http, body);
  }

  async get(http: InboundRequest): Promise<void> {
    if (!accepts(http.req, 'text/event-stream'))
      throw new JsonRpcError(
        INVALID_REQUEST,
        'Not Acceptable: a GET must accept text/event-stream',
        undefined,
        406,
      );
    const session = await this.#existing(http);
    const channel = channelOf(session);
    const headers = { 'mcp-session-id': session.sessionId };
    const primeRetryMs = primeRetryFor(headerVersion(http) ?? (await session.state()).protocolVersion);
    const lastEventId = headerOf(http.req.headers['last-event-id']);
    if (lastEventId !== undefined && channel.resume(lastEventId, http.res, headers, primeRetryMs)) return;
    if (channel.hasStandalone)
      throw new JsonRpcError(
        INVALID_REQUEST,
        'Conflict: this session already has an open GET stream',
        undefined,
        409,
      );
    channel.openStandalone(http.res, headers, primeRetryMs);
  }

  async delete(http: InboundRequest): Promise<void> {
    const session = await this.#existing(http);
    await this.opts.hub.terminate(session.sessionId, 'Deleted by the client');
    writeJson(http.res, 200, {});
  }

  async #postSession(http: InboundRequest, body: unknown): Promise<void> {
    const batch = Array.isArray(body);
    const messages: unknown[] = batch ? body : [body];
    const kinds = messages.map((m) => classifyMessage(m));
    const invalid = kinds.find((k) => k.kind === 'invalid');
    if (invalid !== undefined) throw badRequest(invalid.reason);
    const initialize = kinds.find((k) => k.kind === 'request' && k.message.method === 'initialize');
    const isInitialize = initialize !== undefined;
    let session: LiveSession;
    if (isInitialize) {
      if (messages.length > 1) throw badRequest('initialize must be sent alone');
      if (http.req.headers['mcp-session-id'] !== undefined)
        throw badRequest('initialize starts a session and must not carry Mcp-Session-Id');
      session = await this.opts.hub.open(http.principal, http.scope, 'streamable-http', (_record, touch) =>
        this.#channel(touch),
      );
    } else session = await this.#existing(http);

    const channel = channelOf(session);
    const headers = { 'mcp-session-id': session.sessionId };
    const requestIds: RequestId[] = kinds.flatMap((k) => (k.kind === 'request' ? [k.message.id] : []));
    if (requestIds.length === 0) {
      for (const message of messages) await this.opts.dispatcher.handle(session, message);
      return writeAccepted(http.res, headers);
    }
    // The version this request speaks: initialize's own (negotiated from it), else the header, else the session's.
    const version =
      initialize?.kind === 'request'
        ? negotiateSessionVersion(initialize.message.params?.protocolVersion)
        : (headerVersion(http) ?? (await session.state()).protocolVersion);
    const primeRetryMs = primeRetryFor(version);
    const exchange = new PostReply(http.res, {
      streamable: accepts(http.req, 'text/event-stream'),
      batch,
      headers,
      keepAliveMs: this.opts.keepAliveMs,
      events: channel.events,
      ...(primeRetryMs === undefined ? {} : { primeRetryMs }),
    });
    for (const id of requestIds) {
      exchange.expect(idKey(id));
      channel.track(id, exchange);
    }
    await Promise.all(
      messages.map(async (message, i) => {
        const response = await this.opts.dispatcher.handle(session, message);
        const kind = kinds[i];
        if (kind?.kind !== 'request') return;
        channel.untrack(kind.message.id);
        exchange.respond(idKey(kind.message.id), response);
        if (isInitialize && (response === undefined || 'error' in response))
          await this.opts.hub.terminate(session.sessionId, 'initialize failed');
      }),
    );
  }

  /** The session a non-initialize request names: 400 without the header, 404 when unknown (spec). */
  async #existing(http: InboundRequest): Promise<LiveSession> {
    const id = headerOf(http.req.headers['mcp-session-id']);
    if (id === undefined) throw badRequest('the Mcp-Session-Id header is required (send initialize first)');
    const session = await this.opts.hub.resolve(id, http.principal, http.scope, (record, touch) =>
      record.transport === 'streamable-http' ? this.#channel(touch) : undefined,
    );
    const version = headerVersion(http);
    if (version !== undefined && !isSessionVersion(version))
      throw badRequest(`unsupported MCP-Protocol-Version ${version}`, { supported: [...SESSION_VERSIONS] });
    return session;
  }

  #channel(touch: () => void): StreamableChannel {
    return new StreamableChannel({
      limits: this.opts.eventLimits,
      keepAliveMs: this.opts.keepAliveMs,
      onKeepAlive: touch,
    });
  }
}

/**
 * The common case, decided without the SDK's classifier (which parses the body with zod three times): one
 * JSON-RPC request or notification that names a session revision or none, with no 2026-07-28 envelope claim
 * and no Mcp-Method header. The classifier routes exactly these to the session path too; it sees the rest.
 */
function isPlainSessionMessage(body: unknown, headers: InboundRequest['req']['headers']): boolean {
  if (!isRecord(body) || body.jsonrpc !== '2.0' || typeof body.method !== 'string') return false;
  if (headers['mcp-method'] !== undefined) return false;
  const version = headerOf(headers['mcp-protocol-version'])?.trim();
  if (version !== undefined && !isSessionVersion(version)) return false;
  const meta = isRecord(body.params) ? body.params._meta : undefined;
  return !(isRecord(meta) && PROTOCOL_VERSION_META_KEY in meta);
}

function headerVersion(http: InboundRequest): string | undefined {
  return headerOf(http.req.headers['mcp-protocol-version'])?.trim();
}

function primeRetryFor(version: string | null | undefined): number | undefined {
  return primesSseStreams(version) ? POLL_RETRY_MS : undefined;
}

function channelOf(session: LiveSession): StreamableChannel {
  if (session.channel instanceof StreamableChannel) return session.channel;
  // A legacy SSE or WebSocket session id sent to the Streamable HTTP endpoint.
  throw new JsonRpcError(INVALID_REQUEST, 'Session not found', undefined, 404);
}

function optionalHeader<K extends string>(
  key: K,
  value: string | string[] | undefined,
): Partial<Record<K, string>> {
  const text = headerOf(value);
  return text === undefined ? {} : ({ [key]: text } as Partial<Record<K, string>>);
}
