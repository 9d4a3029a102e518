// Streamable HTTP (`/mcp`): one SDK server transport per client session, all feeding the same bridge.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { AppError } from '../../errors/app-error.js';
import type { Bridge } from './bridge.js';
import { readJsonBody, writeError } from './http-util.js';
import {
  asRpcMessage,
  idKey,
  isRequest,
  isResponse,
  type RpcId,
  type RpcMessage,
} from '../../lib/rpc-message.js';

export interface StreamableEndpointOptions {
  bridge: Bridge;
  keepAliveMs: number;
  maxBodyBytes: number;
  /** A session with no open exchange and no request for this long is closed. */
  idleMs: number;
  log: (line: string) => void;
}

interface Entry {
  transport: NodeStreamableHTTPServerTransport;
  lastSeen: number;
  /** HTTP exchanges still open (GET streams, POSTs awaiting answers): such a session is not idle. */
  open: number;
}

export class StreamableEndpoint {
  private readonly sessions = new Map<string, Entry>();

  constructor(private readonly opts: StreamableEndpointOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const header = req.headers['mcp-session-id'];
    const sessionId = typeof header === 'string' ? header : undefined;
    const entry = sessionId === undefined ? undefined : this.sessions.get(sessionId);
    if (sessionId !== undefined && entry === undefined)
      throw new AppError({ code: 'NotFound', message: 'Session not found' });
    const body = req.method === 'POST' ? await readJsonBody(req, this.opts.maxBodyBytes) : undefined;
    if (entry === undefined) {
      if (req.method !== 'POST')
        throw new AppError({ code: 'BadRequest', message: 'Bad Request: Mcp-Session-Id header is required' });
      return this.initialize(req, res, body);
    }
    const duplicate = sessionId === undefined ? undefined : this.duplicateId(sessionId, body);
    if (duplicate !== undefined) {
      const message = `Invalid Request: request id ${String(duplicate)} is already in flight`;
      writeError(res, new AppError({ code: 'BadRequest', message }), duplicate);
      return;
    }
    this.track(entry, res);
    await entry.transport.handleRequest(req, res, body);
  }

  /** Closes sessions idle past `idleMs`; returns how many. Called on a timer and when room is needed. */
  sweep(now: number, evictOldest = false): number {
    let closed = 0;
    let oldest: Entry | undefined;
    for (const entry of this.sessions.values()) {
      if (entry.open > 0) continue;
      if (now - entry.lastSeen > this.opts.idleMs) {
        void entry.transport.close();
        closed++;
      } else if (oldest === undefined || entry.lastSeen < oldest.lastSeen) oldest = entry;
    }
    if (closed === 0 && evictOldest && oldest !== undefined) {
      void oldest.transport.close();
      closed++;
    }
    return closed;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((e) => e.transport.close()));
  }

  /** A POST without a session must be `initialize`; only then is room made (evicting an idle session if full). */
  private async initialize(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const { bridge } = this.opts;
    const opening = (Array.isArray(body) ? body : [body]).some((item) => {
      const message = asRpcMessage(item);
      return message !== undefined && isRequest(message) && message.method === 'initialize';
    });
    if (!opening)
      throw new AppError({ code: 'BadRequest', message: 'Bad Request: Mcp-Session-Id header is required' });
    if (!bridge.hasRoom()) this.sweep(Date.now(), true);
    if (!bridge.hasRoom()) throw new AppError({ code: 'Unavailable', message: 'session limit reached' });
    const id = randomUUID();
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      keepAliveMs: this.opts.keepAliveMs,
      maxRequestBodySize: this.opts.maxBodyBytes,
      // The session exists for the bridge before the transport hands it the initialize message.
      onsessioninitialized: () => {
        bridge.openSession(id, { send: (message, relatedTo) => this.send(transport, message, relatedTo) });
        this.sessions.set(id, entry);
      },
    });
    const entry: Entry = { transport, lastSeen: Date.now(), open: 0 };
    transport.onmessage = (message) => {
      const parsed = asRpcMessage(message);
      if (parsed !== undefined) bridge.fromClient(id, parsed);
    };
    transport.onclose = () => {
      this.sessions.delete(id);
      bridge.closeSession(id);
    };
    transport.onerror = (error) => this.opts.log(`streamable HTTP: ${error.message}`);
    this.track(entry, res);
    await transport.handleRequest(req, res, body);
    if (!this.sessions.has(id)) await transport.close();
  }

  private send(transport: NodeStreamableHTTPServerTransport, message: RpcMessage, relatedTo?: RpcId): void {
    const wire = message as JSONRPCMessage;
    const options = relatedTo === undefined ? undefined : { relatedRequestId: relatedTo };
    transport.send(wire, options).catch(() => {
      // The request's stream is gone (answered or dropped): a notification or request still has the GET stream.
      if (relatedTo !== undefined && !isResponse(message))
        transport.send(wire).catch((error: Error) => this.opts.log(`streamable HTTP send: ${error.message}`));
    });
  }

  private track(entry: Entry, res: ServerResponse): void {
    entry.lastSeen = Date.now();
    entry.open++;
    res.once('close', () => {
      entry.open--;
      entry.lastSeen = Date.now();
    });
  }

  /** The SDK transport maps answers by id per session, so a reused in-flight id would strand the first request. */
  private duplicateId(sessionId: string, body: unknown): RpcId | undefined {
    const seen = new Set<string>();
    for (const item of Array.isArray(body) ? body : [body]) {
      const message = asRpcMessage(item);
      if (message === undefined || !isRequest(message)) continue;
      const key = idKey(message.id);
      if (seen.has(key) || this.opts.bridge.isInFlight(sessionId, message.id)) return message.id;
      seen.add(key);
    }
    return undefined;
  }
}
