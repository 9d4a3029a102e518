// RegistryEvents: what changed in the registry, for MCP list_changed / resources/updated notifications.
import { EventEmitter } from 'node:events';

export type RegistryEvent =
  | { type: 'list_changed'; kind: 'tools' | 'resources' | 'prompts' }
  | { type: 'resource_updated'; uri: string }
  | { type: 'servers_changed' };

export class RegistryEvents {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  emit(event: RegistryEvent): void {
    this.#emitter.emit('event', event);
  }

  subscribe(listener: (event: RegistryEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }
}
