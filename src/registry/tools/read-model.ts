// What the API returns for a tool: camelCase, auth masked, metrics attached.
import type { Tool } from '@modelcontextprotocol/server';
import type { MetricsSummary } from '../../store/repos/metrics.js';
import type { ToolRow } from '../../store/schema.js';
import type { SecretCodec } from '../../auth/secret-box.js';
import { maskAuth, openAuth, type MaskedAuth } from '../common/upstream-auth.js';
import { parseJsonColumn } from '../common/json-column.js';
import { auditedRead, type AuditedRead } from '../common/audit.js';

export interface ToolRead extends AuditedRead {
  id: string;
  name: string;
  originalName: string;
  customName: string | null;
  displayName: string | null;
  url: string | null;
  description: string | null;
  integrationType: string;
  requestType: string;
  headers: Record<string, string>;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown> | null;
  annotations: Record<string, unknown>;
  jsonpathFilter: string | null;
  auth: MaskedAuth | null;
  timeoutMs: number | null;
  gatewayId: string | null;
  enabled: boolean;
  reachable: boolean;
  tags: string[];
  metrics: MetricsSummary;
}

export function toToolRead(row: ToolRow, codec: SecretCodec, metrics: MetricsSummary): ToolRead {
  return {
    id: row.id,
    name: row.name,
    originalName: row.original_name,
    customName: row.custom_name,
    displayName: row.display_name,
    url: row.url,
    description: row.description,
    integrationType: row.integration_type,
    requestType: row.request_type,
    headers: parseJsonColumn(row.headers),
    inputSchema: parseJsonColumn(row.input_schema),
    outputSchema: row.output_schema === null ? null : parseJsonColumn(row.output_schema),
    annotations: parseJsonColumn(row.annotations),
    jsonpathFilter: row.jsonpath_filter,
    auth: maskAuth(openAuth(codec, row.auth_value)),
    timeoutMs: row.timeout_ms,
    gatewayId: row.gateway_id,
    enabled: row.enabled === 1,
    reachable: row.reachable === 1,
    tags: parseJsonColumn(row.tags),
    ...auditedRead(row),
    metrics,
  };
}

/** The MCP `Tool` a client sees in tools/list. */
export function toMcpTool(row: ToolRow): Tool {
  const annotations = parseJsonColumn<Record<string, unknown>>(row.annotations);
  return {
    name: row.name,
    ...(row.display_name === null ? {} : { title: row.display_name }),
    description: row.description ?? '',
    inputSchema: parseJsonColumn<Tool['inputSchema']>(row.input_schema),
    ...(row.output_schema === null
      ? {}
      : { outputSchema: parseJsonColumn<NonNullable<Tool['outputSchema']>>(row.output_schema) }),
    ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
  };
}
