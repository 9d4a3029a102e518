// Registry: every registry service built once from the store and the secret codec (composition helper for main and tests).
import type { Store } from '../store/db.js';
import { RegistryEvents } from './common/events.js';
import type { SecretCodec } from './common/upstream-auth.js';
import { ToolService } from './tools/service.js';
import { PromptService } from './prompts/service.js';
import type { TemplateRenderer } from './prompts/template/renderer.js';
import { ResourceService } from './resources/service.js';

export interface RegistryOptions {
  store: Store;
  secrets: SecretCodec;
  /** The prompt render pool; whoever created it closes it (main.ts, the test app). */
  renderer: TemplateRenderer;
}

export interface Registry {
  events: RegistryEvents;
  tools: ToolService;
  resources: ResourceService;
  prompts: PromptService;
}

export function createRegistry(opts: RegistryOptions): Registry {
  const events = new RegistryEvents();
  const base = { store: opts.store, secrets: opts.secrets, events };
  return {
    events,
    tools: new ToolService(base),
    resources: new ResourceService(base),
    prompts: new PromptService({ ...base, renderer: opts.renderer }),
  };
}
