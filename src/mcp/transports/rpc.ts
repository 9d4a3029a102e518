// /rpc: one JSON-RPC request per POST, no session, answered with one JSON body (ContextForge's endpoint).
import type { Dispatcher } from '../dispatcher.js';
import { OneShotPeer } from '../one-shot-peer.js';
import { classifyMessage, INVALID_REQUEST, isRecord, JsonRpcError } from '../protocol/json-rpc.js';
import { SESSION_VERSIONS } from '../protocol/versions.js';
import type { SessionHub } from '../session-hub.js';
import type { InboundRequest } from './inbound-request.js';
import { writeAccepted, writeJson } from './http-io.js';

export interface RpcEndpointOptions {
  dispatcher: Dispatcher;
  hub: SessionHub;
}

export class RpcEndpoint {
  constructor(private readonly opts: RpcEndpointOptions) {}

  async handle(http: InboundRequest, body: unknown): Promise<void> {
    if (Array.isArray(body))
      throw new JsonRpcError(
        INVALID_REQUEST,
        'Invalid Request: /rpc takes one JSON-RPC request per POST',
        undefined,
        400,
      );
    const message = this.#compat(body);
    const kind = classifyMessage(message);
    if (kind.kind === 'invalid')
      throw new JsonRpcError(INVALID_REQUEST, `Invalid Request: ${kind.reason}`, undefined, 400);
    await this.opts.hub.checkScope(http.scope);
    const gone = new AbortController();
    let answered = false;
    // No session, so no notifications/cancelled: a client hanging up is the cancellation.
    http.res.on('close', () => {
      if (!answered) gone.abort(new Error('The client closed the request'));
    });
    const peer = new OneShotPeer({
      mode: 'rpc',
      principal: http.principal,
      scope: http.scope,
      protocolVersion: SESSION_VERSIONS[0],
      closed: gone.signal,
    });
    const response = await this.opts.dispatcher.handle(peer, message);
    answered = true;
    if (response === undefined) return writeAccepted(http.res);
    writeJson(http.res, 200, response);
  }

  /**
   * ContextForge's /rpc also runs a tool named as the method (`{"method": "get_time", "params": {...}}`);
   * a method we do not serve and that is not namespaced with "/" is read that way.
   */
  #compat(body: unknown): unknown {
    if (!isRecord(body) || typeof body.method !== 'string') return body;
    if (this.opts.dispatcher.hasMethod(body.method) || body.method.includes('/') || !('id' in body))
      return body;
    return {
      ...body,
      method: 'tools/call',
      params: { name: body.method, arguments: isRecord(body.params) ? body.params : {} },
    };
  }
}
