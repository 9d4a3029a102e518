// ListChangedDebouncer: coalesces an upstream's list_changed bursts (one per upstream session) into one re-sync per gateway.
import type { ListKind } from './call-relay.js';

export class ListChangedDebouncer {
  // Gateway ids come from our own rows, but a Map keeps "__proto__" harmless anyway.
  readonly #pending = new Map<string, { kinds: Set<ListKind>; timer: NodeJS.Timeout }>();

  constructor(
    private readonly delayMs: number,
    private readonly flush: (gatewayId: string, kinds: ListKind[]) => void,
  ) {}

  push(gatewayId: string, kind: ListKind): void {
    const pending = this.#pending.get(gatewayId);
    if (pending !== undefined) {
      pending.kinds.add(kind);
      return;
    }
    const timer = setTimeout(() => {
      const done = this.#pending.get(gatewayId);
      this.#pending.delete(gatewayId);
      if (done !== undefined) this.flush(gatewayId, [...done.kinds]);
    }, this.delayMs);
    timer.unref();
    this.#pending.set(gatewayId, { kinds: new Set([kind]), timer });
  }

  close(): void {
    for (const { timer } of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
  }
}
