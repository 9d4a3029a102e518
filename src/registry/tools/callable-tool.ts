// CallableTool: what an MCP tools/call needs of a tool, parsed once from its row (the runtime never sees rows).
import type { UpstreamAuth } from '../../runtime/credentials.js';
import type { RestMethod, RestToolSpec } from '../../runtime/rest-tool-spec.js';
import type { ToolRow } from '../../store/schema.js';
import { parseJsonColumn } from '../common/json-column.js';

export type CallableTool =
  | { kind: 'rest'; id: string; name: string; spec: RestToolSpec }
  | {
      kind: 'federated';
      id: string;
      name: string;
      version: number;
      gatewayId: string;
      /** The tool's name on its upstream (the registry name may carry a prefix or an admin's rename). */
      upstreamName: string;
      inputSchema: unknown;
      /** The tool's own timeout; the gateway's applies when undefined. */
      timeoutMs: number | undefined;
    };

/** `defaultTimeoutMs` is TOOL_TIMEOUT in milliseconds, for REST tools without a timeout of their own. */
export function toCallableTool(
  row: ToolRow,
  auth: UpstreamAuth | null,
  defaultTimeoutMs: number,
): CallableTool {
  if (row.gateway_id !== null)
    return {
      kind: 'federated',
      id: row.id,
      name: row.name,
      version: row.version,
      gatewayId: row.gateway_id,
      upstreamName: row.original_name,
      inputSchema: parseJsonColumn(row.input_schema),
      timeoutMs: row.timeout_ms ?? undefined,
    };
  return {
    kind: 'rest',
    id: row.id,
    name: row.name,
    spec: {
      id: row.id,
      name: row.name,
      version: row.version,
      url: row.url ?? '',
      requestType: row.request_type as RestMethod,
      headers: parseJsonColumn<Record<string, string>>(row.headers),
      inputSchema: parseJsonColumn(row.input_schema),
      outputSchema: row.output_schema === null ? null : parseJsonColumn<object>(row.output_schema),
      jsonpathFilter: row.jsonpath_filter,
      auth,
      timeoutMs: row.timeout_ms ?? defaultTimeoutMs,
    },
  };
}
