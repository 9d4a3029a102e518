// Legacy HTTP+SSE transport (2024-11-05): `GET /sse` opens a session's stream, `POST /message?session_id=` feeds it.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../errors/app-error.js';
import type { Bridge } from './bridge.js';
import { readJsonBody } from './http-util.js';
import { asRpcMessage, type RpcMessage } from '../../lib/rpc-message.js';

export interface SseEndpointOptions {
  bridge: Bridge;
  /** Path clients POST to, announced in the `endpoint` event. */
  messagePath: string;
  keepAliveMs: number;
  maxBodyBytes: number;
  /** Bytes queued for a client that does not read its stream before the session is dropped. */
  maxQueuedBytes: number;
  log: (line: string) => void;
}

export class SseEndpoint {
  private readonly streams = new Map<string, ServerResponse>();

  constructor(private readonly opts: SseEndpointOptions) {}

  openStream(req: IncomingMessage, res: ServerResponse): void {
    const id = randomUUID();
    this.opts.bridge.openSession(id, { send: (message) => this.write(id, res, message) });
    this.streams.set(id, res);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`event: endpoint\ndata: ${this.opts.messagePath}?session_id=${id}\n\n`);
    const keepAlive =
      this.opts.keepAliveMs > 0
        ? setInterval(() => res.write(': keep-alive\n\n'), this.opts.keepAliveMs)
        : undefined;
    res.on('close', () => {
      clearInterval(keepAlive);
      this.streams.delete(id);
      this.opts.bridge.closeSession(id);
    });
  }

  /** Accepts one message or a batch for an open session; answers travel on that session's stream. */
  async post(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const id = url.searchParams.get('session_id') ?? url.searchParams.get('sessionId') ?? '';
    // 404, not 400, for an unknown session: clients take it as "reconnect".
    if (!this.streams.has(id)) throw new AppError({ code: 'NotFound', message: 'Session not found' });
    const body = await readJsonBody(req, this.opts.maxBodyBytes);
    const items = Array.isArray(body) ? body : [body];
    const messages = items.map(asRpcMessage);
    if (items.length === 0 || messages.some((m) => m === undefined))
      throw new AppError({ code: 'BadRequest', message: 'Invalid Request: not a JSON-RPC message' });
    res.writeHead(202, { 'content-type': 'text/plain' });
    res.end('Accepted');
    for (const message of messages as RpcMessage[]) this.opts.bridge.fromClient(id, message);
  }

  closeAll(): void {
    for (const res of this.streams.values()) res.end();
  }

  private write(id: string, res: ServerResponse, message: RpcMessage): void {
    if (res.writableEnded || res.destroyed) return;
    if (res.writableLength > this.opts.maxQueuedBytes) {
      this.opts.log(`SSE session ${id} is not reading its stream; closing it`);
      res.destroy();
      return;
    }
    res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }
}
