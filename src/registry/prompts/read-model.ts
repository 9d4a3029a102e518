// What the API returns for a prompt: camelCase with its arguments and metrics, and the MCP shapes.
import type { GetPromptResult, Prompt } from '@modelcontextprotocol/server';
import type { MetricsSummary } from '../../store/repos/metrics.js';
import type { PromptRow } from '../../store/schema.js';
import { parseJsonColumn } from '../common/json-column.js';
import type { PromptArgument } from './arguments.js';
import { auditedRead, type AuditedRead } from '../common/audit.js';

export interface PromptRead extends AuditedRead {
  id: string;
  name: string;
  originalName: string;
  description: string | null;
  template: string;
  arguments: PromptArgument[];
  gatewayId: string | null;
  enabled: boolean;
  tags: string[];
  metrics: MetricsSummary;
}

export function argumentsOf(row: PromptRow): PromptArgument[] {
  return parseJsonColumn(row.argument_schema);
}

export function toPromptRead(row: PromptRow, metrics: MetricsSummary): PromptRead {
  return {
    id: row.id,
    name: row.name,
    originalName: row.original_name,
    description: row.description,
    template: row.template,
    arguments: argumentsOf(row),
    gatewayId: row.gateway_id,
    enabled: row.enabled === 1,
    tags: parseJsonColumn(row.tags),
    ...auditedRead(row),
    metrics,
  };
}

export function toMcpPrompt(row: PromptRow): Prompt {
  return {
    name: row.name,
    ...(row.description === null ? {} : { description: row.description }),
    arguments: argumentsOf(row),
  };
}

/** One user message with the rendered text, as ContextForge answers prompts/get. */
export function toGetPromptResult(row: PromptRow, text: string): GetPromptResult {
  return {
    ...(row.description === null ? {} : { description: row.description }),
    messages: [{ role: 'user', content: { type: 'text', text } }],
  };
}
