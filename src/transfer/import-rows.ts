// Import entries as the rows they become (without id and credentials): the same rules the registry applies to a
// create, so an imported entity is one the API could have registered.
import { z } from 'zod';
import { invalid } from '../errors/app-error.js';
import { parseWith } from '../errors/parse-with.js';
import { HTTP_SCHEMES, urlSchema } from '../registry/common/input.js';
import { slugify } from '../registry/gateways/slug.js';
import { resolveArguments, type PromptArgument } from '../registry/prompts/arguments.js';
import { checkTemplate } from '../registry/prompts/template/check-template.js';
import { guessMimeType, toStoredContent } from '../registry/resources/resource-content.js';
import { resourceUriSchema } from '../registry/resources/schema.js';
import { toolNameSchema } from '../registry/tools/schema.js';
import type { GatewayRow, PromptRow, ResourceRow, ServerRow, ToolRow } from '../store/schema.js';
import type { GatewayIn, PromptIn, ResourceIn, ServerIn, ToolIn } from './import-schema.js';

export interface RowContext {
  now: string;
  actor: string;
}

type Fresh<Row> = Omit<Row, 'id'>;
type AuditIn = Pick<ToolIn, 'created_at' | 'updated_at' | 'created_by' | 'modified_by' | 'version'>;

/** Kept as the file says (an export of this gateway carries them); a ContextForge file gets now and the importer. */
const audit = (e: AuditIn, ctx: RowContext) => ({
  created_at: e.created_at ?? ctx.now,
  updated_at: e.updated_at ?? ctx.now,
  created_by: e.created_by ?? ctx.actor,
  modified_by: e.modified_by ?? ctx.actor,
  version: e.version ?? 1,
});

const flag = (value: boolean | undefined): number => (value === false ? 0 : 1);
const json = (value: unknown): string => JSON.stringify(value);
const requestType = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
// Built once: zod 4 compiles a schema on its first parse, and one built per entry cost most of a 10,000-tool import.
const localToolSchema = z.object({ name: toolNameSchema, url: urlSchema(HTTP_SCHEMES) });
const localResourceSchema = z.object({ uri: resourceUriSchema });
const gatewayUrlSchema = z.object({ url: urlSchema(HTTP_SCHEMES) });
const serverIconSchema = z.object({ icon: urlSchema(HTTP_SCHEMES) });

/** gatewayId null: a REST tool registered here, held to the same rules as POST /tools. */
export function toolRow(e: ToolIn, gatewayId: string | null, ctx: RowContext): Fresh<ToolRow> {
  const local = gatewayId === null;
  if (local) {
    if (e.integration_type !== undefined && e.integration_type !== 'REST')
      throw invalid(
        `integration_type ${e.integration_type}: only REST tools are registered directly; MCP tools come with their gateway`,
      );
    parseWith(localToolSchema, { name: e.name, url: e.url });
  }
  return {
    original_name: e.name,
    custom_name: e.custom_name ?? null,
    name: e.registered_name ?? e.custom_name ?? e.name,
    display_name: e.displayName ?? null,
    url: e.url ?? null,
    description: e.description ?? null,
    integration_type: local ? 'REST' : (e.integration_type ?? 'MCP'),
    request_type: local
      ? parseWith(requestType, e.request_type ?? 'GET')
      : (e.request_type ?? 'STREAMABLEHTTP'),
    headers: json(e.headers ?? {}),
    input_schema: json(e.input_schema ?? { type: 'object', properties: {} }),
    output_schema: e.output_schema ? json(e.output_schema) : null,
    annotations: json(e.annotations ?? {}),
    jsonpath_filter: e.jsonpath_filter ?? null,
    auth_type: null,
    auth_value: null,
    timeout_ms: e.timeout_ms ?? (e.timeout == null ? null : Math.round(e.timeout * 1000)),
    gateway_id: gatewayId,
    enabled: flag(e.is_active),
    reachable: flag(e.reachable),
    tags: json(e.tags ?? []),
    ...audit(e, ctx),
  };
}

export function resourceRow(e: ResourceIn, gatewayId: string | null, ctx: RowContext): Fresh<ResourceRow> {
  const local = gatewayId === null;
  if (local) parseWith(localResourceSchema, { uri: e.uri });
  const content = local
    ? toStoredContent(e.content ?? '', e.content_encoding ?? 'text')
    : { text_content: null, binary_content: null, size: e.size ?? null };
  return {
    uri: e.uri,
    name: e.name,
    description: e.description ?? null,
    mime_type: e.mime_type ?? (local ? guessMimeType(e.uri, content.binary_content !== null) : null),
    uri_template: e.uri_template ?? null,
    ...content,
    gateway_id: gatewayId,
    enabled: flag(e.is_active),
    tags: json(e.tags ?? []),
    ...audit(e, ctx),
  };
}

/** Our `arguments` when present (order, unset descriptions); else ContextForge's input_schema; else the template's. */
function argumentsOf(e: PromptIn, local: boolean): PromptArgument[] {
  const given =
    e.arguments?.map((a) => ({
      name: a.name,
      ...(a.description == null ? {} : { description: a.description }),
      required: a.required ?? false,
    })) ??
    (e.input_schema?.properties === undefined
      ? undefined
      : Object.entries(e.input_schema.properties).map(([name, p]) => ({
          name,
          ...(p.description == null || p.description === '' ? {} : { description: p.description }),
          required: e.input_schema?.required?.includes(name) ?? false,
        })));
  return given ?? (local ? resolveArguments(undefined, e.template) : []);
}

export function promptRow(e: PromptIn, gatewayId: string | null, ctx: RowContext): Fresh<PromptRow> {
  const local = gatewayId === null;
  if (local) checkTemplate(e.template);
  return {
    original_name: e.original_name ?? e.name,
    name: e.name,
    description: e.description ?? null,
    template: e.template,
    argument_schema: json(argumentsOf(e, local)),
    gateway_id: gatewayId,
    enabled: flag(e.is_active),
    tags: json(e.tags ?? []),
    ...audit(e, ctx),
  };
}

export function gatewayRow(e: GatewayIn, ctx: RowContext): Fresh<GatewayRow> {
  const slug = slugify(e.name);
  if (slug === '') throw invalid(`name: "${e.name}" must contain at least one letter or digit`);
  const transport =
    e.transport ?? (/\/sse\/*$/.test(new URL(e.url, 'http://x').pathname) ? 'SSE' : 'STREAMABLEHTTP');
  if (transport === 'STDIO') {
    if (!e.command) throw invalid('command: a STDIO gateway needs command (an argv array)');
  } else parseWith(gatewayUrlSchema, { url: e.url });
  return {
    name: e.name,
    slug,
    url: e.url,
    description: e.description ?? null,
    transport,
    capabilities: json(e.capabilities ?? {}),
    server_info: json(e.server_info ?? {}),
    auth_type: null,
    auth_value: null,
    passthrough_auth: e.passthrough_auth === true ? 1 : 0,
    passthrough_headers: json(e.passthrough_headers ?? []),
    prefix_mode: e.prefix_mode ?? 'always',
    timeout_ms: e.timeout_ms ?? null,
    command: transport === 'STDIO' ? json(e.command) : null,
    enabled: flag(e.is_active),
    reachable: flag(e.reachable),
    last_seen: e.last_seen ?? null,
    tags: json(e.tags ?? []),
    ...audit(e, ctx),
  };
}

export function serverRow(e: ServerIn, ctx: RowContext): Fresh<ServerRow> {
  if (e.icon != null) parseWith(serverIconSchema, { icon: e.icon });
  return {
    name: e.name,
    description: e.description ?? null,
    icon: e.icon ?? null,
    enabled: flag(e.is_active),
    tags: json(e.tags ?? []),
    ...audit(e, ctx),
  };
}
