// RegistryEvents: what changed in the registry, for MCP notifications and cache invalidation, carried by the event bus.
import { EventEmitter } from 'node:events';
import type { BusMessage, BusPayload, EventBus } from '../../cache/event-bus.js';

export type RegistryEvent =
  | { type: 'list_changed'; kind: 'tools' | 'resources' | 'prompts' }
  | { type: 'resource_updated'; uri: string }
  | { type: 'servers_changed' };

/** The bus topic every instance's registry publishes its changes on. */
export const REGISTRY_TOPIC = 'registry';

const KINDS = new Set(['tools', 'resources', 'prompts']);

/** A registry message from the bus, or undefined for one this version does not understand (it is ignored). */
function eventOf(payload: BusPayload): RegistryEvent | 'touched' | undefined {
  if (payload === 'touched') return 'touched';
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const p = payload as { readonly [key: string]: BusPayload };
  if (p.type === 'list_changed' && typeof p.kind === 'string' && KINDS.has(p.kind))
    return { type: 'list_changed', kind: p.kind as 'tools' | 'resources' | 'prompts' };
  if (p.type === 'resource_updated' && typeof p.uri === 'string')
    return { type: 'resource_updated', uri: p.uri };
  if (p.type === 'servers_changed') return { type: 'servers_changed' };
  return undefined;
}

export class RegistryEvents {
  readonly #emitter = new EventEmitter();
  readonly #unsubscribe: () => void;
  #version = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.#emitter.setMaxListeners(0);
    this.#unsubscribe = bus.subscribe(REGISTRY_TOPIC, (message) => this.#received(message));
  }

  /**
   * Moves on every change to the registry, this instance's at once and another's when its message arrives:
   * cached lookups older than it are stale.
   */
  get version(): number {
    return this.#version;
  }

  /** Publishes a change; listeners on every instance hear it (this one's too) once the bus delivers it. */
  emit(event: RegistryEvent): void {
    this.#version += 1;
    this.bus.publish(REGISTRY_TOPIC, event).catch(this.onError);
  }

  /** A change clients are not told about (a gateway's settings, its reachability): only the caches drop. */
  touched(): void {
    this.#version += 1;
    this.bus.publish(REGISTRY_TOPIC, 'touched').catch(this.onError);
  }

  subscribe(listener: (event: RegistryEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }

  close(): void {
    this.#unsubscribe();
  }

  #received(message: BusMessage): void {
    const event = eventOf(message.payload);
    if (event === undefined) return;
    if (message.origin !== this.bus.instanceId) this.#version += 1;
    if (event !== 'touched') this.#emitter.emit('event', event);
  }
}
