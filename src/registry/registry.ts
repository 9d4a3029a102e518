// Registry: every registry service built once from the store and the secret codec (composition helper for main and tests).
import type { Store } from '../store/db.js';
import { RegistryEvents } from './common/events.js';
import type { SecretCodec } from './common/upstream-auth.js';
import { ToolService } from './tools/service.js';

export interface RegistryOptions {
  store: Store;
  secrets: SecretCodec;
}

export interface Registry {
  events: RegistryEvents;
  tools: ToolService;
}

export function createRegistry(opts: RegistryOptions): Registry {
  const events = new RegistryEvents();
  const base = { store: opts.store, secrets: opts.secrets, events };
  return {
    events,
    tools: new ToolService(base),
  };
}
