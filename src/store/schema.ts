// Row types of every table (DESIGN §4). JSON columns hold JSON text, booleans 0/1 and times ISO-8601 UTC text in both dialects, so rows move between SQLite and PostgreSQL unchanged.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** 0 or 1: one representation for SQLite and PostgreSQL. */
export type Flag = number;
/** JSON text. */
export type JsonText = string;
/** ISO-8601 UTC timestamp text, e.g. 2026-11-28T18:00:00.000Z: sorts and compares as text. */
export type IsoTime = string;

interface Audit {
  created_at: IsoTime;
  updated_at: IsoTime;
  created_by: string | null;
  modified_by: string | null;
  version: ColumnType<number, number | undefined, number>;
}

export interface ToolsTable extends Audit {
  id: string;
  original_name: string;
  custom_name: string | null;
  name: string;
  display_name: string | null;
  url: string | null;
  description: string | null;
  integration_type: string;
  request_type: string;
  headers: JsonText;
  input_schema: JsonText;
  output_schema: JsonText | null;
  annotations: JsonText;
  jsonpath_filter: string | null;
  auth_type: string | null;
  auth_value: string | null;
  timeout_ms: number | null;
  gateway_id: string | null;
  enabled: Flag;
  reachable: Flag;
  tags: JsonText;
}

export interface ResourcesTable extends Audit {
  id: string;
  uri: string;
  name: string;
  description: string | null;
  mime_type: string | null;
  uri_template: string | null;
  text_content: string | null;
  binary_content: Uint8Array | null;
  size: number | null;
  gateway_id: string | null;
  enabled: Flag;
  tags: JsonText;
}

export interface PromptsTable extends Audit {
  id: string;
  original_name: string;
  name: string;
  description: string | null;
  template: string;
  argument_schema: JsonText;
  gateway_id: string | null;
  enabled: Flag;
  tags: JsonText;
}

export interface ServersTable extends Audit {
  id: string;
  name: string;
  description: string | null;
  icon: string | null;
  enabled: Flag;
  tags: JsonText;
}

export interface GatewaysTable extends Audit {
  id: string;
  name: string;
  slug: string;
  url: string;
  description: string | null;
  transport: string;
  capabilities: JsonText;
  auth_type: string | null;
  auth_value: string | null;
  passthrough_auth: Flag;
  /** JSON array of header names a client may send through to the upstream (migration 0002). */
  passthrough_headers: ColumnType<JsonText, JsonText | undefined, JsonText>;
  /** JSON: the upstream's serverInfo plus protocolVersion and instructions, from the last discovery (migration 0003). */
  server_info: ColumnType<JsonText, JsonText | undefined, JsonText>;
  prefix_mode: string;
  timeout_ms: number | null;
  command: JsonText | null;
  enabled: Flag;
  reachable: Flag;
  last_seen: IsoTime | null;
  tags: JsonText;
}

interface MetricsRow {
  id: Generated<number>;
  timestamp: IsoTime;
  /** Seconds, as ContextForge reports them. */
  response_time: number;
  is_success: Flag;
  error_message: string | null;
}

export interface ToolMetricsTable extends MetricsRow {
  tool_id: string;
}
export interface ResourceMetricsTable extends MetricsRow {
  resource_id: string;
}
export interface PromptMetricsTable extends MetricsRow {
  prompt_id: string;
}
export interface ServerMetricsTable extends MetricsRow {
  server_id: string;
}

export interface ResourceSubscriptionsTable {
  id: Generated<number>;
  resource_id: string;
  subscriber_id: string;
  created_at: IsoTime;
  last_notification: IsoTime | null;
}

export interface ServerToolAssociationTable {
  server_id: string;
  tool_id: string;
}
export interface ServerResourceAssociationTable {
  server_id: string;
  resource_id: string;
}
export interface ServerPromptAssociationTable {
  server_id: string;
  prompt_id: string;
}

export interface McpSessionsTable {
  session_id: string;
  /** The owner's `Principal.subject` (migration 0004; null only for rows written before it). */
  subject: string | null;
  created_at: IsoTime;
  last_accessed: IsoTime;
  data: JsonText | null;
}

export interface McpMessagesTable {
  id: Generated<number>;
  session_id: string;
  content: JsonText;
  created_at: IsoTime;
  last_accessed: IsoTime;
}

/** Event-bus messages too large for a NOTIFY (migration 0006); short-lived. */
export interface EventBusPayloadsTable {
  id: Generated<number>;
  content: JsonText;
  created_at: IsoTime;
}

export interface RootsTable {
  uri: string;
  name: string | null;
  created_at: IsoTime;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: IsoTime;
}

export interface Database {
  tools: ToolsTable;
  tool_metrics: ToolMetricsTable;
  resources: ResourcesTable;
  resource_metrics: ResourceMetricsTable;
  resource_subscriptions: ResourceSubscriptionsTable;
  prompts: PromptsTable;
  prompt_metrics: PromptMetricsTable;
  servers: ServersTable;
  server_metrics: ServerMetricsTable;
  gateways: GatewaysTable;
  server_tool_association: ServerToolAssociationTable;
  server_resource_association: ServerResourceAssociationTable;
  server_prompt_association: ServerPromptAssociationTable;
  mcp_sessions: McpSessionsTable;
  mcp_messages: McpMessagesTable;
  event_bus_payloads: EventBusPayloadsTable;
  roots: RootsTable;
  leases: LeasesTable;
}

export type ToolRow = Selectable<ToolsTable>;
export type NewToolRow = Insertable<ToolsTable>;
export type ToolRowUpdate = Updateable<ToolsTable>;
export type ResourceRow = Selectable<ResourcesTable>;
export type NewResourceRow = Insertable<ResourcesTable>;
export type PromptRow = Selectable<PromptsTable>;
export type NewPromptRow = Insertable<PromptsTable>;
export type ServerRow = Selectable<ServersTable>;
export type NewServerRow = Insertable<ServersTable>;
export type GatewayRow = Selectable<GatewaysTable>;
export type NewGatewayRow = Insertable<GatewaysTable>;
export type RootRow = Selectable<RootsTable>;
