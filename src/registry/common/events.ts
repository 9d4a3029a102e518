// RegistryEvents: what changed in the registry, for MCP list_changed / resources/updated notifications.
import { EventEmitter } from 'node:events';

export type RegistryEvent =
  | { type: 'list_changed'; kind: 'tools' | 'resources' | 'prompts' }
  | { type: 'resource_updated'; uri: string }
  | { type: 'servers_changed' };

export class RegistryEvents {
  readonly #emitter = new EventEmitter();
  #version = 0;

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  /** Moves on every change this process makes to the registry: cached lookups older than it are stale. */
  get version(): number {
    return this.#version;
  }

  emit(event: RegistryEvent): void {
    this.#version += 1;
    this.#emitter.emit('event', event);
  }

  /** A change clients are not told about (a gateway's settings, its reachability): only the caches drop. */
  touched(): void {
    this.#version += 1;
  }

  subscribe(listener: (event: RegistryEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }
}
