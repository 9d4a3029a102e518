// The stateless 2026-07-28 revision over HTTP: one self-describing request per POST, and subscriptions/listen streams.
import { SUBSCRIPTION_ID_META_KEY, type InboundModernRoute } from '@modelcontextprotocol/server';
import type { CatalogEvent } from '../catalog.js';
import type { Dispatcher } from '../dispatcher.js';
import { OneShotPeer } from '../one-shot-peer.js';
import {
  idKey,
  isRecord,
  JsonRpcError,
  UNSUPPORTED_PROTOCOL_VERSION,
  type JSONRPCRequest,
} from '../protocol/json-rpc.js';
import { checkStandardHeaders, envelopeOf } from '../protocol/stateless-wire.js';
import { isStatelessVersion, SUPPORTED_VERSIONS } from '../protocol/versions.js';
import { scopeSees, type SessionHub } from '../session-hub.js';
import { accepts, type InboundRequest } from './inbound-request.js';
import { headerOf, writeAccepted } from './http-io.js';
import { PostReply } from './post-reply.js';
import { SseStream } from './sse-stream.js';

export interface StatelessHttpOptions {
  dispatcher: Dispatcher;
  hub: SessionHub;
  keepAliveMs: number;
}

export class StatelessHttp {
  constructor(private readonly opts: StatelessHttpOptions) {}

  async handle(http: InboundRequest, route: InboundModernRoute): Promise<void> {
    // Without a session there is nothing a notification (e.g. cancelled) could refer to: closing the
    // request's connection is how this revision cancels over HTTP.
    if (route.messageKind === 'notification') return writeAccepted(http.res);
    const request = route.message;
    const version = route.classification.revision;
    if (version === undefined || !isStatelessVersion(version))
      throw new JsonRpcError(
        UNSUPPORTED_PROTOCOL_VERSION,
        `Unsupported protocol version: ${version ?? '(none)'}`,
        { supported: [...SUPPORTED_VERSIONS], ...(version === undefined ? {} : { requested: version }) },
        400,
      );
    const { headers } = http.req;
    checkStandardHeaders(
      {
        protocolVersion: headerOf(headers['mcp-protocol-version']),
        method: headerOf(headers['mcp-method']),
        name: headerOf(headers['mcp-name']),
      },
      request,
    );
    await this.opts.hub.checkScope(http.scope);
    if (request.method === 'subscriptions/listen') return this.#listen(http, request);

    const exchange = new PostReply(http.res, {
      streamable: accepts(http.req, 'text/event-stream'),
      batch: false,
      headers: {},
      keepAliveMs: this.opts.keepAliveMs,
    });
    const gone = new AbortController();
    http.res.on('close', () => {
      if (!exchange.done) gone.abort(new Error('The client closed the request'));
    });
    const envelope = envelopeOf(request.params);
    const peer = new OneShotPeer({
      mode: 'stateless',
      principal: http.principal,
      scope: http.scope,
      protocolVersion: version,
      clientCapabilities: envelope.clientCapabilities,
      ...(envelope.logLevel === undefined ? {} : { logLevel: envelope.logLevel }),
      closed: gone.signal,
      send: (message) => exchange.send(message),
    });
    const key = idKey(request.id);
    exchange.expect(key);
    exchange.respond(key, await this.opts.dispatcher.handle(peer, request));
  }

  /** An SSE stream of the change notifications the filter asks for, until the client closes it. */
  #listen(http: InboundRequest, request: JSONRPCRequest): void {
    const params = isRecord(request.params) ? request.params : {};
    const filter = isRecord(params.notifications) ? params.notifications : {};
    const wants = (flag: string): boolean => filter[flag] === true;
    const uris = new Set(
      Array.isArray(filter.resourceSubscriptions)
        ? filter.resourceSubscriptions.filter((u): u is string => typeof u === 'string')
        : [],
    );
    const meta = { [SUBSCRIPTION_ID_META_KEY]: request.id };
    const sse = new SseStream(http.res, { keepAliveMs: this.opts.keepAliveMs, onClose: () => remove() });
    const send = (method: string, extra: Record<string, unknown> = {}): void =>
      sse.event(JSON.stringify({ jsonrpc: '2.0', method, params: { ...extra, _meta: meta } }));
    const remove = this.opts.hub.addListener({
      scope: http.scope,
      close: () => sse.end(),
      onEvent: (event: CatalogEvent) => {
        if (event.type === 'resource_updated') {
          if (uris.has(event.uri)) send('notifications/resources/updated', { uri: event.uri });
          return;
        }
        if (!scopeSees(http.scope, event.serverIds)) return;
        const [flag, method] = LISTEN_FLAGS[event.type];
        if (wants(flag)) send(method);
      },
    });
    send('notifications/subscriptions/acknowledged', { notifications: filter });
  }
}

const LISTEN_FLAGS = {
  tools_list_changed: ['toolsListChanged', 'notifications/tools/list_changed'],
  resources_list_changed: ['resourcesListChanged', 'notifications/resources/list_changed'],
  prompts_list_changed: ['promptsListChanged', 'notifications/prompts/list_changed'],
} as const;
