// Multiplexes many client sessions onto one stdio MCP child: rewrites ids, shares one initialize, routes the child's messages.
import { AppError } from '../../errors/app-error.js';
import { InitializeGate } from './initialize-gate.js';
import {
  errorResponse,
  idKey,
  isNotification,
  isRequest,
  type RpcId,
  type RpcMessage,
  type RpcNotification,
  type RpcParams,
  type RpcRequest,
  type RpcResponse,
} from '../../lib/rpc-message.js';
import { RequestTable, type PendingRequest } from './request-table.js';

/** How the bridge reaches one client; `relatedTo` is the client's request id the message belongs to, if any. */
export interface ClientLink {
  send(message: RpcMessage, relatedTo?: RpcId): void;
}

export interface BridgeOptions {
  sendToChild: (message: RpcMessage) => void;
  log: (line: string) => void;
  maxSessions: number;
  maxPendingPerSession: number;
  /** Requests from the child awaiting a client's answer. */
  maxChildRequests?: number;
  maxSubscriptionsPerSession?: number;
}

interface Session {
  id: string;
  link: ClientLink;
  /** Answered `initialize`: from then on it receives broadcasts. */
  ready: boolean;
  uris: Set<string>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isToken = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';

export class Bridge {
  private readonly sessions = new Map<string, Session>();
  private readonly requests: RequestTable;
  private readonly gate = new InitializeGate();
  /** Requests the child sent to a client, by the child's id: which session must answer. */
  private readonly childRequests = new Map<string, { sessionId: string; id: RpcId }>();
  private readonly subscribers = new Map<string, Set<string>>();
  private lastSender: string | undefined;
  private childExited = false;

  constructor(private readonly opts: BridgeOptions) {
    this.requests = new RequestTable(opts.maxPendingPerSession);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  hasRoom(): boolean {
    return this.sessions.size < this.opts.maxSessions;
  }

  openSession(id: string, link: ClientLink): void {
    if (this.childExited) throw new AppError({ code: 'Unavailable', message: 'the stdio server has exited' });
    if (!this.hasRoom())
      throw new AppError({
        code: 'Unavailable',
        message: `session limit reached (${this.opts.maxSessions})`,
      });
    this.sessions.set(id, { id, link, ready: false, uris: new Set() });
  }

  /** True while `id` from this session is in flight: a second request with it must be refused up front. */
  isInFlight(sessionId: string, id: RpcId): boolean {
    return this.requests.has(sessionId, id);
  }

  closeSession(id: string): void {
    const session = this.sessions.get(id);
    if (session === undefined) return;
    this.sessions.delete(id);
    this.gate.dropSession(id);
    if (this.lastSender === id) this.lastSender = undefined;
    // `initialize` must not be cancelled (spec); its answer still fills the cache for other clients.
    for (const pending of this.requests.dropSession(id, (p) => p.method === 'initialize'))
      this.toChild({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: pending.childId, reason: 'client disconnected' },
      });
    for (const [key, asked] of this.childRequests)
      if (asked.sessionId === id) {
        this.childRequests.delete(key);
        this.toChild(errorResponse(asked.id, 'Unavailable', 'the client that was asked has disconnected'));
      }
    for (const uri of session.uris) this.unsubscribe(session, uri);
  }

  fromClient(sessionId: string, message: RpcMessage): void {
    const session = this.sessions.get(sessionId);
    if (session === undefined) return;
    this.lastSender = sessionId;
    if (isRequest(message)) this.clientRequest(session, message);
    else if (isNotification(message)) this.clientNotification(session, message);
    else this.clientResponse(session, message);
  }

  fromChild(message: RpcMessage): void {
    if (isRequest(message)) this.childRequest(message);
    else if (isNotification(message)) this.childNotification(message);
    else this.childResponse(message);
  }

  /** The child is gone: every client request still waiting gets an error now rather than never. */
  childGone(reason: string): void {
    this.childExited = true;
    for (const pending of this.requests.all()) {
      this.requests.remove(pending);
      const session = pending.sessionId === undefined ? undefined : this.sessions.get(pending.sessionId);
      session?.link.send(errorResponse(pending.clientId, 'Unavailable', reason), pending.clientId);
    }
    this.childRequests.clear();
  }

  private clientRequest(session: Session, request: RpcRequest): void {
    if (this.childExited) {
      session.link.send(errorResponse(request.id, 'Unavailable', 'the stdio server has exited'), request.id);
      return;
    }
    if (request.method === 'initialize') {
      const decision = this.gate.onClientInitialize(session.id, request);
      if (decision.kind === 'answer') {
        session.ready = true;
        session.link.send(decision.response, request.id);
      } else if (decision.kind === 'forward') this.forward(session, decision.request);
      return;
    }
    const uri = request.params?.uri;
    if (request.method === 'resources/subscribe' && typeof uri === 'string') {
      const max = this.opts.maxSubscriptionsPerSession ?? 256;
      if (!session.uris.has(uri) && session.uris.size >= max) {
        session.link.send(
          errorResponse(request.id, 'RateLimited', `subscription limit reached (${max})`),
          request.id,
        );
        return;
      }
      session.uris.add(uri);
      this.subscribersOf(uri).add(session.id);
    }
    if (request.method === 'resources/unsubscribe' && typeof uri === 'string' && session.uris.has(uri)) {
      session.uris.delete(uri);
      const others = this.subscribersOf(uri);
      others.delete(session.id);
      // Another client still wants updates for it: the child must stay subscribed.
      if (others.size > 0) {
        session.link.send({ jsonrpc: '2.0', id: request.id, result: {} }, request.id);
        return;
      }
      this.subscribers.delete(uri);
    }
    this.forward(session, request);
  }

  private forward(session: Session, request: RpcRequest): void {
    const pending = this.requests.add(session.id, request.id, request.method);
    if (pending === 'duplicate' || pending === 'full') {
      const error =
        pending === 'duplicate'
          ? errorResponse(request.id, 'BadRequest', `request id ${String(request.id)} is already in flight`)
          : errorResponse(
              request.id,
              'RateLimited',
              `too many requests in flight (${this.opts.maxPendingPerSession})`,
            );
      session.link.send(error, request.id);
      return;
    }
    this.toChild({
      ...request,
      id: pending.childId,
      params: this.rewriteProgressToken(request.params, pending),
    });
  }

  /** Clients pick progress tokens (often equal to their request id), so two clients can pick the same one. */
  private rewriteProgressToken(
    params: RpcParams | undefined,
    pending: PendingRequest,
  ): RpcParams | undefined {
    const meta = params?._meta;
    if (!isObject(meta) || !isToken(meta.progressToken)) return params;
    pending.progressToken = meta.progressToken;
    return { ...params, _meta: { ...meta, progressToken: pending.childId } };
  }

  private clientNotification(session: Session, note: RpcNotification): void {
    if (note.method === 'notifications/initialized') {
      if (this.gate.shouldForwardInitialized()) this.toChild(note);
      return;
    }
    if (note.method === 'notifications/cancelled') {
      const requestId = note.params?.requestId;
      if (!isToken(requestId)) return;
      const pending = this.requests.findByClientId(session.id, requestId);
      if (pending === undefined || pending.method === 'initialize') return;
      this.requests.remove(pending);
      this.toChild({ ...note, params: { ...note.params, requestId: pending.childId } });
      return;
    }
    this.toChild(note);
  }

  private clientResponse(session: Session, response: RpcResponse): void {
    const key = idKey(response.id);
    // Only the session that was asked may answer; anything else would reach the child as a forged reply.
    if (this.childRequests.get(key)?.sessionId !== session.id) return;
    this.childRequests.delete(key);
    this.toChild(response);
  }

  private childResponse(response: RpcResponse): void {
    const pending = this.requests.get(response.id);
    if (pending === undefined) return; // cancelled, or its client is gone
    this.requests.remove(pending);
    if (pending.method === 'initialize') {
      for (const answer of this.gate.onChildResponse({ ...response, id: pending.clientId })) {
        const session = this.sessions.get(answer.sessionId);
        if (session === undefined) continue;
        if (answer.response.error === undefined) session.ready = true;
        session.link.send(answer.response, answer.response.id);
      }
      return;
    }
    const session = pending.sessionId === undefined ? undefined : this.sessions.get(pending.sessionId);
    session?.link.send({ ...response, id: pending.clientId }, pending.clientId);
  }

  /**
   * stdio carries no "related request", so a child's request goes to the client whose request is the
   * newest still in flight (sampling during a tool call), else to the client heard from last.
   */
  private childRequest(request: RpcRequest): void {
    const cause = this.requests.newestClientRequest();
    const targetId = cause?.sessionId ?? this.lastSender;
    const target = targetId === undefined ? undefined : this.sessions.get(targetId);
    const key = idKey(request.id);
    if (target === undefined || !target.ready) {
      this.toChild(errorResponse(request.id, 'Unavailable', 'no client is connected to answer'));
      return;
    }
    if (this.childRequests.has(key) || this.childRequests.size >= (this.opts.maxChildRequests ?? 1024)) {
      this.toChild(errorResponse(request.id, 'RateLimited', 'too many requests awaiting clients'));
      return;
    }
    this.childRequests.set(key, { sessionId: target.id, id: request.id });
    target.link.send(request, cause?.sessionId === target.id ? cause.clientId : undefined);
  }

  private childNotification(note: RpcNotification): void {
    const params = note.params ?? {};
    if (note.method === 'notifications/progress') {
      const pending = isToken(params.progressToken) ? this.requests.get(params.progressToken) : undefined;
      const session = pending?.sessionId === undefined ? undefined : this.sessions.get(pending.sessionId);
      if (pending?.progressToken === undefined || session === undefined) return;
      session.link.send(
        { ...note, params: { ...params, progressToken: pending.progressToken } },
        pending.clientId,
      );
      return;
    }
    if (note.method === 'notifications/cancelled') {
      const key = isToken(params.requestId) ? idKey(params.requestId) : '';
      const asked = this.childRequests.get(key);
      if (asked === undefined) return;
      this.childRequests.delete(key);
      this.sessions.get(asked.sessionId)?.link.send(note);
      return;
    }
    if (note.method === 'notifications/resources/updated' && typeof params.uri === 'string') {
      for (const id of this.subscribers.get(params.uri) ?? []) this.sessions.get(id)?.link.send(note);
      return;
    }
    for (const session of this.sessions.values()) if (session.ready) session.link.send(note);
  }

  private subscribersOf(uri: string): Set<string> {
    let set = this.subscribers.get(uri);
    if (set === undefined) {
      set = new Set();
      this.subscribers.set(uri, set);
    }
    return set;
  }

  /** A closing session gives up its subscriptions; the child unsubscribes when nobody else holds one. */
  private unsubscribe(session: Session, uri: string): void {
    const set = this.subscribers.get(uri);
    set?.delete(session.id);
    if (set === undefined || set.size > 0 || this.childExited) return;
    this.subscribers.delete(uri);
    const pending = this.requests.addInternal('resources/unsubscribe');
    this.toChild({ jsonrpc: '2.0', id: pending.childId, method: 'resources/unsubscribe', params: { uri } });
  }

  private toChild(message: RpcMessage): void {
    if (!this.childExited) this.opts.sendToChild(message);
  }
}
