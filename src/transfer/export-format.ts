// The export file: ContextForge's envelope and entity fields, plus our own fields (ContextForge ignores them) so
// that an export of this gateway imports back with nothing lost.

export const ENTITY_TYPES = ['tools', 'gateways', 'servers', 'prompts', 'resources', 'roots'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** How credentials leave: sealed under this instance's key, re-sealed under a passphrase, or left out. */
export const SECRETS_MODES = ['key', 'passphrase', 'omitted'] as const;
export type SecretsMode = (typeof SECRETS_MODES)[number];

/** ContextForge writes its MCP protocol revision here; its importer only needs it non-empty. */
export const EXPORT_VERSION = '2025-03-26';
/** Our own marker: present on files this gateway wrote, absent on ContextForge's. */
export const FORMAT = 1;

interface Audited {
  id: string;
  is_active: boolean;
  tags: string[];
  created_at: string;
  updated_at: string;
  created_by: string | null;
  modified_by: string | null;
  version: number;
}

interface Sealed {
  auth_type?: string;
  auth_value?: string;
}

export interface ToolEntry extends Audited, Sealed {
  /** The tool's own (upstream) name, as ContextForge exports it. */
  name: string;
  displayName: string | null;
  url: string | null;
  integration_type: string;
  request_type: string;
  description: string | null;
  headers: Record<string, string>;
  input_schema: Record<string, unknown>;
  output_schema: Record<string, unknown> | null;
  annotations: Record<string, unknown>;
  jsonpath_filter: string | null;
  rate_limit: null;
  timeout: number | null;
  // ours
  custom_name: string | null;
  registered_name: string;
  timeout_ms: number | null;
  reachable: boolean;
}

export interface ResourceEntry extends Audited {
  name: string;
  uri: string;
  description: string | null;
  mime_type: string | null;
  last_modified: string;
  // ours
  uri_template: string | null;
  /** Text, or base64 when content_encoding is "base64"; absent for federated resources (read upstream). */
  content?: string;
  content_encoding?: 'text' | 'base64';
  size: number | null;
}

export interface PromptArgumentEntry {
  name: string;
  description?: string;
  required: boolean;
}

export interface PromptEntry extends Audited {
  name: string;
  template: string;
  description: string | null;
  input_schema: {
    type: 'object';
    properties: Record<string, { type: string; description: string }>;
    required: string[];
  };
  // ours: the declared arguments in order (input_schema loses order and the difference of unset descriptions)
  original_name: string;
  arguments: PromptArgumentEntry[];
}

export interface GatewayEntry extends Audited, Sealed {
  name: string;
  url: string;
  description: string | null;
  transport: string;
  capabilities: Record<string, unknown>;
  health_check: { url: string; interval: number; timeout: number; retries: number };
  federation_enabled: true;
  passthrough_headers: string[];
  // ours
  slug: string;
  passthrough_auth: boolean;
  prefix_mode: string;
  timeout_ms: number | null;
  command: string[] | null;
  server_info: Record<string, unknown>;
  reachable: boolean;
  last_seen: string | null;
  /** OAuth client-credentials settings without the secret (that travels in auth_value). */
  oauth_config?: {
    grant_type: 'client_credentials';
    token_url: string;
    client_id: string;
    scope: string | null;
  };
  /** What was discovered from the upstream, with the admin's changes (names, enabled state, tags, credentials). */
  federated: { tools: ToolEntry[]; resources: ResourceEntry[]; prompts: PromptEntry[] };
}

export interface ServerEntry extends Audited {
  name: string;
  description: string | null;
  /** Tool names: ContextForge resolves these by id, then original name, then name. */
  tool_ids: string[];
  sse_endpoint: string;
  websocket_endpoint: string;
  jsonrpc_endpoint: string;
  capabilities: Record<string, unknown>;
  // ours
  icon: string | null;
  resource_ids: string[];
  prompt_ids: string[];
}

export interface RootEntry {
  uri: string;
  name: string | null;
  // ours
  created_at: string;
}

export interface ExportEntities {
  tools?: ToolEntry[];
  gateways?: GatewayEntry[];
  servers?: ServerEntry[];
  prompts?: PromptEntry[];
  resources?: ResourceEntry[];
  roots?: RootEntry[];
}

export interface ExportDocument {
  version: string;
  exported_at: string;
  exported_by: string;
  source_gateway: string;
  encryption_method: 'AES-256-GCM';
  entities: ExportEntities;
  metadata: {
    entity_counts: Partial<Record<EntityType, number>>;
    dependencies: Record<string, Record<string, string[]>>;
    export_options: Record<string, unknown>;
  };
  mcpgateway: {
    format: typeof FORMAT;
    secrets: SecretsMode;
    /** With secrets "key": the fingerprint of the AUTH_ENCRYPTION_SECRET that sealed auth_value (never the value). */
    key_fingerprint?: string;
  };
}
