// What the API returns for a gateway: camelCase, auth masked, health fields as the federation layer records them.
import type { GatewayRow } from '../../store/schema.js';
import { parseJsonColumn } from '../common/json-column.js';
import type { SecretCodec } from '../../auth/secret-box.js';
import { maskAuth, openGatewayAuth, type MaskedAuth } from '../common/upstream-auth.js';
import { auditedRead, type AuditedRead } from '../common/audit.js';

export interface GatewayRead extends AuditedRead {
  id: string;
  name: string;
  slug: string;
  url: string;
  description: string | null;
  transport: string;
  capabilities: Record<string, unknown>;
  /** The upstream's serverInfo (name, version, …) with protocolVersion and instructions, from the last discovery. */
  serverInfo: Record<string, unknown>;
  /** argv of a STDIO gateway; null otherwise. */
  command: string[] | null;
  auth: MaskedAuth | null;
  passthroughAuth: boolean;
  passthroughHeaders: string[];
  prefixMode: string;
  timeoutMs: number | null;
  enabled: boolean;
  reachable: boolean;
  lastSeen: string | null;
  tags: string[];
}

export function toGatewayRead(row: GatewayRow, codec: SecretCodec): GatewayRead {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    url: row.url,
    description: row.description,
    transport: row.transport,
    capabilities: parseJsonColumn(row.capabilities),
    serverInfo: parseJsonColumn(row.server_info),
    command: row.command === null ? null : parseJsonColumn(row.command),
    auth: maskAuth(openGatewayAuth(codec, row.auth_value)),
    passthroughAuth: row.passthrough_auth === 1,
    passthroughHeaders: parseJsonColumn(row.passthrough_headers),
    prefixMode: row.prefix_mode,
    timeoutMs: row.timeout_ms,
    enabled: row.enabled === 1,
    reachable: row.reachable === 1,
    lastSeen: row.last_seen,
    tags: parseJsonColumn(row.tags),
    ...auditedRead(row),
  };
}
