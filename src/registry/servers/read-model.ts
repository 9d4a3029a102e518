// What the API returns for a virtual server: camelCase, associated ids, metrics attached.
import type { MetricsSummary } from '../../store/repos/metrics.js';
import type { AssociationIds } from '../../store/repos/servers.js';
import type { ServerRow } from '../../store/schema.js';
import { parseJsonColumn } from '../common/json-column.js';
import { auditedRead, type AuditedRead } from '../common/audit.js';

export interface ServerRead extends AuditedRead {
  id: string;
  name: string;
  description: string | null;
  icon: string | null;
  enabled: boolean;
  tags: string[];
  associatedTools: string[];
  associatedResources: string[];
  associatedPrompts: string[];
  metrics: MetricsSummary;
}

export function toServerRead(row: ServerRow, links: AssociationIds, metrics: MetricsSummary): ServerRead {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    icon: row.icon,
    enabled: row.enabled === 1,
    tags: parseJsonColumn(row.tags),
    associatedTools: links.tool,
    associatedResources: links.resource,
    associatedPrompts: links.prompt,
    ...auditedRead(row),
    metrics,
  };
}
