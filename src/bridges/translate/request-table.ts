// Client requests in flight at the child: one bridge-wide id counter, so clients reusing ids never collide.
import { idKey, type RpcId } from '../../lib/rpc-message.js';

export interface PendingRequest {
  /** The id the child sees: unique for the bridge's lifetime. */
  childId: number;
  /** The client session that asked, or undefined for the bridge's own housekeeping requests. */
  sessionId: string | undefined;
  /** The id the client chose; meaningless when sessionId is undefined. */
  clientId: RpcId;
  method: string;
  /** The client's own progress token, replaced by childId on the way in. */
  progressToken?: string | number;
}

export type AddResult = PendingRequest | 'duplicate' | 'full';

export class RequestTable {
  private nextId = 1;
  private readonly byChildId = new Map<number, PendingRequest>();
  private readonly bySession = new Map<string, Map<string, PendingRequest>>();

  constructor(private readonly maxPerSession: number) {}

  /** Registers a client request; refuses a second in-flight request with the same id in one session. */
  add(sessionId: string, clientId: RpcId, method: string): AddResult {
    let own = this.bySession.get(sessionId);
    if (own?.has(idKey(clientId))) return 'duplicate';
    if ((own?.size ?? 0) >= this.maxPerSession) return 'full';
    if (own === undefined) {
      own = new Map();
      this.bySession.set(sessionId, own);
    }
    const pending: PendingRequest = { childId: this.nextId++, sessionId, clientId, method };
    own.set(idKey(clientId), pending);
    this.byChildId.set(pending.childId, pending);
    return pending;
  }

  /** A request the bridge itself sends (e.g. the last unsubscribe of a resource); its answer is dropped. */
  addInternal(method: string): PendingRequest {
    const pending: PendingRequest = { childId: this.nextId++, sessionId: undefined, clientId: 0, method };
    this.byChildId.set(pending.childId, pending);
    return pending;
  }

  get(childId: RpcId): PendingRequest | undefined {
    return typeof childId === 'number' ? this.byChildId.get(childId) : undefined;
  }

  findByClientId(sessionId: string, clientId: RpcId): PendingRequest | undefined {
    return this.bySession.get(sessionId)?.get(idKey(clientId));
  }

  has(sessionId: string, clientId: RpcId): boolean {
    return this.findByClientId(sessionId, clientId) !== undefined;
  }

  remove(pending: PendingRequest): void {
    this.byChildId.delete(pending.childId);
    if (pending.sessionId === undefined) return;
    const own = this.bySession.get(pending.sessionId);
    own?.delete(idKey(pending.clientId));
    if (own?.size === 0) this.bySession.delete(pending.sessionId);
  }

  /**
   * Forgets a session's requests and returns them so the caller can cancel them at the child; those
   * `keepInFlight` selects (ones that must not be cancelled) stay, owned by nobody, until the child answers.
   */
  dropSession(sessionId: string, keepInFlight: (p: PendingRequest) => boolean): PendingRequest[] {
    const own = [...(this.bySession.get(sessionId)?.values() ?? [])];
    this.bySession.delete(sessionId);
    const dropped: PendingRequest[] = [];
    for (const pending of own) {
      pending.sessionId = undefined;
      if (keepInFlight(pending)) continue;
      this.byChildId.delete(pending.childId);
      dropped.push(pending);
    }
    return dropped;
  }

  /** The most recently forwarded request still in flight for a client: the likeliest cause of a child's request. */
  newestClientRequest(): PendingRequest | undefined {
    let newest: PendingRequest | undefined;
    for (const pending of this.byChildId.values())
      if (pending.sessionId !== undefined && (newest === undefined || pending.childId > newest.childId))
        newest = pending;
    return newest;
  }

  all(): PendingRequest[] {
    return [...this.byChildId.values()];
  }
}
