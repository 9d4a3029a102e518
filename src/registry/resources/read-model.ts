// What the API returns for a resource: metadata (camelCase, metrics attached), its content, and the MCP shapes.
import type { ReadResourceResult, Resource, ResourceTemplateType } from '@modelcontextprotocol/server';
import type { MetricsSummary } from '../../store/repos/metrics.js';
import type { ResourceRow } from '../../store/schema.js';
import { parseJsonColumn } from '../common/json-column.js';
import { toBase64 } from './resource-content.js';
import { auditedRead, type AuditedRead } from '../common/audit.js';

export interface ResourceRead extends AuditedRead {
  id: string;
  uri: string;
  name: string;
  description: string | null;
  mimeType: string | null;
  uriTemplate: string | null;
  /** Bytes of the stored content (UTF-8 for text). */
  size: number | null;
  gatewayId: string | null;
  enabled: boolean;
  tags: string[];
  metrics: MetricsSummary;
}

/** `GET /resources/{id}`: the content, as text or as base64 in `blob` (MCP's naming). */
export type ResourceContentRead = {
  type: 'resource';
  id: string;
  uri: string;
  mimeType: string | null;
} & ({ text: string } | { blob: string });

export function toResourceRead(row: ResourceRow, metrics: MetricsSummary): ResourceRead {
  return {
    id: row.id,
    uri: row.uri,
    name: row.name,
    description: row.description,
    mimeType: row.mime_type,
    uriTemplate: row.uri_template,
    size: row.size,
    gatewayId: row.gateway_id,
    enabled: row.enabled === 1,
    tags: parseJsonColumn(row.tags),
    ...auditedRead(row),
    metrics,
  };
}

function contentOf(row: ResourceRow): { text: string } | { blob: string } {
  return row.binary_content !== null
    ? { blob: toBase64(row.binary_content) }
    : { text: row.text_content ?? '' };
}

export function toResourceContentRead(row: ResourceRow): ResourceContentRead {
  return { type: 'resource', id: row.id, uri: row.uri, mimeType: row.mime_type, ...contentOf(row) };
}

/** `uri` is the one the client asked for: for a template, the concrete URI it matched. */
/**
 * A read of `uri`. For a template match, `{name}` in the stored text is replaced by the variable the URI
 * gave (`users://{id}/profile` read as `users://42/profile` turns "user {id}" into "user 42").
 */
export function toReadResourceResult(
  row: ResourceRow,
  uri: string,
  variables?: ReadonlyMap<string, string>,
): ReadResourceResult {
  const mime = row.mime_type === null ? {} : { mimeType: row.mime_type };
  const content = contentOf(row);
  if (variables !== undefined && 'text' in content) {
    content.text = content.text.replace(
      /\{([A-Za-z0-9_]+)\}/g,
      (whole, name: string) => variables.get(name) ?? whole,
    );
  }
  return { contents: [{ uri, ...mime, ...content }] };
}

export function toMcpResource(row: ResourceRow): Resource {
  return {
    uri: row.uri,
    name: row.name,
    ...(row.description === null ? {} : { description: row.description }),
    ...(row.mime_type === null ? {} : { mimeType: row.mime_type }),
    ...(row.size === null ? {} : { size: row.size }),
  };
}

export function toMcpResourceTemplate(row: ResourceRow): ResourceTemplateType {
  return {
    uriTemplate: row.uri_template ?? row.uri,
    name: row.name,
    ...(row.description === null ? {} : { description: row.description }),
    ...(row.mime_type === null ? {} : { mimeType: row.mime_type }),
  };
}
