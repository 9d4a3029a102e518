// Initializes the one stdio child once and answers every later client's `initialize` from the cached result.
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';
import { errorResponse, type RpcId, type RpcRequest, type RpcResponse } from '../../lib/rpc-message.js';

interface Waiter {
  sessionId: string;
  id: RpcId;
  requested: unknown;
}

export interface Answer {
  sessionId: string;
  response: RpcResponse;
}

export type InitializeDecision =
  { kind: 'forward'; request: RpcRequest } | { kind: 'wait' } | { kind: 'answer'; response: RpcResponse };

/**
 * The version a client gets: the one it asked for when we know it and it is not newer than what the
 * child speaks (ISO dates compare as strings), otherwise the child's own, as the spec's negotiation says.
 */
export function negotiateVersion(requested: unknown, childVersion: string): string {
  if (typeof requested !== 'string') return childVersion;
  return SUPPORTED_PROTOCOL_VERSIONS.includes(requested) && requested <= childVersion
    ? requested
    : childVersion;
}

export class InitializeGate {
  private state: 'idle' | 'pending' | 'ready' = 'idle';
  private result: Record<string, unknown> | undefined;
  private childVersion = LATEST_PROTOCOL_VERSION;
  private waiters: Waiter[] = [];
  private initializedForwarded = false;

  /**
   * The first `initialize` goes to the child (asking for our latest version, so the child picks its best
   * and every client can then be offered anything up to it); concurrent ones wait for it; later ones
   * are answered here.
   */
  onClientInitialize(sessionId: string, request: RpcRequest): InitializeDecision {
    const requested = request.params?.protocolVersion;
    if (this.state === 'ready') return { kind: 'answer', response: this.answer(request.id, requested) };
    this.waiters.push({ sessionId, id: request.id, requested });
    if (this.state === 'pending') return { kind: 'wait' };
    this.state = 'pending';
    const params = { ...request.params, protocolVersion: LATEST_PROTOCOL_VERSION };
    return { kind: 'forward', request: { ...request, params } };
  }

  /** The child answered our one `initialize`: every waiting client gets its own negotiated copy. */
  onChildResponse(response: RpcResponse): Answer[] {
    const waiters = this.waiters;
    this.waiters = [];
    if (response.error !== undefined || typeof response.result !== 'object' || response.result === null) {
      // Not cached: the next client's initialize tries the child again.
      this.state = 'idle';
      const message = response.error?.message ?? 'stdio server returned no initialize result';
      return waiters.map((w) => ({
        sessionId: w.sessionId,
        response: {
          jsonrpc: '2.0',
          id: w.id,
          error: response.error ?? errorResponse(w.id, 'UpstreamFailed', message).error,
        },
      }));
    }
    this.result = response.result as Record<string, unknown>;
    const version = this.result.protocolVersion;
    if (typeof version === 'string') this.childVersion = version;
    this.state = 'ready';
    return waiters.map((w) => ({ sessionId: w.sessionId, response: this.answer(w.id, w.requested) }));
  }

  /** Only the first `notifications/initialized` after a successful handshake reaches the child. */
  shouldForwardInitialized(): boolean {
    if (this.state !== 'ready' || this.initializedForwarded) return false;
    this.initializedForwarded = true;
    return true;
  }

  dropSession(sessionId: string): void {
    this.waiters = this.waiters.filter((w) => w.sessionId !== sessionId);
  }

  private answer(id: RpcId, requested: unknown): RpcResponse {
    const protocolVersion = negotiateVersion(requested, this.childVersion);
    return { jsonrpc: '2.0', id, result: { ...this.result, protocolVersion } };
  }
}
