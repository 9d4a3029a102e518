// Rows as export entries: ContextForge's field names first, then ours; JSON columns as values, flags as booleans.
import { parseJsonColumn } from '../registry/common/json-column.js';
import type { PromptArgument } from '../registry/prompts/arguments.js';
import { openGatewayAuth } from '../registry/common/upstream-auth.js';
import { toBase64 } from '../registry/resources/resource-content.js';
import type { SecretCodec } from '../auth/secret-box.js';
import type { AssociationIds } from '../store/repos/servers.js';
import type { GatewayRow, PromptRow, ResourceRow, RootRow, ServerRow, ToolRow } from '../store/schema.js';
import type { SealedAuth } from './credentials.js';
import type {
  GatewayEntry,
  PromptEntry,
  ResourceEntry,
  RootEntry,
  ServerEntry,
  ToolEntry,
} from './export-format.js';

export type Seal = (authType: string | null, authValue: string | null) => SealedAuth;

const audited = (row: {
  id: string;
  enabled: number;
  tags: string;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  modified_by: string | null;
  version: number;
}) => ({
  id: row.id,
  is_active: row.enabled === 1,
  tags: parseJsonColumn<string[]>(row.tags),
  created_at: row.created_at,
  updated_at: row.updated_at,
  created_by: row.created_by,
  modified_by: row.modified_by,
  version: row.version,
});

export function toolEntry(row: ToolRow, seal: Seal): ToolEntry {
  return {
    name: row.original_name,
    displayName: row.display_name,
    url: row.url,
    integration_type: row.integration_type,
    request_type: row.request_type,
    description: row.description,
    headers: parseJsonColumn(row.headers),
    input_schema: parseJsonColumn(row.input_schema),
    output_schema: row.output_schema === null ? null : parseJsonColumn(row.output_schema),
    annotations: parseJsonColumn(row.annotations),
    jsonpath_filter: row.jsonpath_filter,
    rate_limit: null,
    timeout: row.timeout_ms === null ? null : row.timeout_ms / 1000,
    ...seal(row.auth_type, row.auth_value),
    custom_name: row.custom_name,
    registered_name: row.name,
    timeout_ms: row.timeout_ms,
    reachable: row.reachable === 1,
    ...audited(row),
  };
}

export function resourceEntry(row: ResourceRow): ResourceEntry {
  const content =
    row.gateway_id !== null
      ? {}
      : row.binary_content !== null
        ? { content: toBase64(row.binary_content), content_encoding: 'base64' as const }
        : { content: row.text_content ?? '', content_encoding: 'text' as const };
  return {
    name: row.name,
    uri: row.uri,
    description: row.description,
    mime_type: row.mime_type,
    last_modified: row.updated_at,
    uri_template: row.uri_template,
    ...content,
    size: row.size,
    ...audited(row),
  };
}

export function promptEntry(row: PromptRow): PromptEntry {
  const args = parseJsonColumn<PromptArgument[]>(row.argument_schema);
  return {
    name: row.name,
    template: row.template,
    description: row.description,
    input_schema: {
      type: 'object',
      properties: Object.fromEntries(
        args.map((a) => [a.name, { type: 'string', description: a.description ?? '' }]),
      ),
      required: args.filter((a) => a.required).map((a) => a.name),
    },
    original_name: row.original_name,
    arguments: args,
    ...audited(row),
  };
}

export interface Owned {
  tools: ToolRow[];
  resources: ResourceRow[];
  prompts: PromptRow[];
}

export function gatewayEntry(row: GatewayRow, owned: Owned, seal: Seal, codec: SecretCodec): GatewayEntry {
  const sealed = seal(row.auth_type, row.auth_value);
  const auth = row.auth_type === 'oauth' ? openGatewayAuth(codec, row.auth_value) : null;
  return {
    name: row.name,
    url: row.url,
    description: row.description,
    transport: row.transport,
    capabilities: parseJsonColumn(row.capabilities),
    health_check: { url: `${row.url}/health`, interval: 30, timeout: 10, retries: 3 },
    federation_enabled: true,
    passthrough_headers: parseJsonColumn(row.passthrough_headers),
    ...sealed,
    slug: row.slug,
    passthrough_auth: row.passthrough_auth === 1,
    prefix_mode: row.prefix_mode,
    timeout_ms: row.timeout_ms,
    command: row.command === null ? null : parseJsonColumn(row.command),
    server_info: parseJsonColumn(row.server_info),
    reachable: row.reachable === 1,
    last_seen: row.last_seen,
    ...(auth?.type === 'oauth'
      ? {
          oauth_config: {
            grant_type: 'client_credentials' as const,
            token_url: auth.tokenUrl,
            client_id: auth.clientId,
            scope: auth.scope ?? null,
          },
        }
      : {}),
    federated: {
      tools: owned.tools.map((t) => toolEntry(t, seal)),
      resources: owned.resources.map(resourceEntry),
      prompts: owned.prompts.map(promptEntry),
    },
    ...audited(row),
  };
}

/** `toolNames` maps a tool id to its registered name (ContextForge's tool_ids are resolved by name). */
export function serverEntry(
  row: ServerRow,
  links: AssociationIds,
  toolNames: Map<string, string>,
): ServerEntry {
  return {
    name: row.name,
    description: row.description,
    tool_ids: links.tool.map((id) => toolNames.get(id) ?? id),
    sse_endpoint: `/servers/${row.id}/sse`,
    websocket_endpoint: `/servers/${row.id}/ws`,
    jsonrpc_endpoint: `/servers/${row.id}/jsonrpc`,
    capabilities: { tools: { list_changed: true }, prompts: { list_changed: true } },
    icon: row.icon,
    resource_ids: links.resource,
    prompt_ids: links.prompt,
    ...audited(row),
  };
}

export const rootEntry = (row: RootRow): RootEntry => ({
  uri: row.uri,
  name: row.name,
  created_at: row.created_at,
});
