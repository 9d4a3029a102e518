// What a backup records of the database it copied, read from the copy itself so the manifest matches the payload.
import type { Database } from '../schema.js';

/** Every table of the schema, parents before children: the order a logical load inserts in. */
export const APP_TABLES = [
  'gateways',
  'servers',
  'tools',
  'resources',
  'prompts',
  'roots',
  'tool_metrics',
  'resource_metrics',
  'prompt_metrics',
  'server_metrics',
  'resource_subscriptions',
  'server_tool_association',
  'server_resource_association',
  'server_prompt_association',
  'mcp_sessions',
  'mcp_messages',
  'leases',
  'event_bus_payloads',
] as const satisfies ReadonlyArray<keyof Database>;

// A table added to Database and forgotten here fails to compile.
type Missing = Exclude<keyof Database, (typeof APP_TABLES)[number]>;
const allTablesListed: Missing extends never ? true : Missing = true;
void allTablesListed;

/**
 * `leases` rows say which instance runs a leader-only job, and which instances are alive: they describe the
 * processes of the moment, not data. Backups leave them out, so a restored database never looks busy.
 * `event_bus_payloads` holds large bus messages for the few minutes their notification is in flight.
 */
export const EPHEMERAL_TABLES: ReadonlySet<string> = new Set(['leases', 'event_bus_payloads']);

/** sqlite: a database file; pg_dump: a pg_dump -Fc archive; logical: the built-in JSON-lines dump of PostgreSQL. */
export const PAYLOAD_KINDS = ['sqlite', 'pg_dump', 'logical'] as const;
export type PayloadKind = (typeof PAYLOAD_KINDS)[number];

/** Row counts of a copy against the ones recorded when it was taken; a message per difference. */
export function countDifferences(expected: Record<string, number>, actual: Record<string, number>): string[] {
  return Object.entries(expected)
    .filter(([table, n]) => (actual[table] ?? 0) !== n)
    .map(([table, n]) => `${table}: ${actual[table] ?? 0} rows, expected ${n}`);
}

export interface SnapshotFacts {
  /** The last migration applied to the copy, e.g. 0005-resource-uri-per-gateway. */
  schemaVersion: string;
  rowCounts: Record<string, number>;
  /** Stored upstream credentials, encrypted under AUTH_ENCRYPTION_SECRET. */
  encryptedSecrets: { tools: number; gateways: number };
}

/** The tables whose rows hold encrypted credentials (column auth_value). */
export const SECRET_TABLES = ['tools', 'gateways'] as const;
