// federateDirectly: stores an upstream's tools, resources and prompts as federated rows, as discovery would (for forwarding tests).
import {
  Client,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type Transport,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { newId, nowIso } from '../../src/lib/ids.js';
import type { Store } from '../../src/store/db.js';

export interface DirectGateway {
  name: string;
  transport: 'STREAMABLEHTTP' | 'SSE' | 'STDIO';
  url: string;
  command?: string[];
  /** Prefix tool and prompt names with `<name>-` (prefix mode always) or not (never). */
  prefix: boolean;
  timeoutMs?: number;
  passthroughAuth?: boolean;
  /** Associate everything with this virtual server. */
  serverId?: string;
}

function transportOf(g: DirectGateway): Transport {
  if (g.transport === 'STDIO') {
    const [command, ...args] = g.command ?? [];
    return new StdioClientTransport({ command: command ?? 'false', args });
  }
  return g.transport === 'SSE'
    ? new SSEClientTransport(new URL(g.url))
    : new StreamableHTTPClientTransport(new URL(g.url));
}

/** Returns the gateway id. Lists with every client capability, so capability-gated tools are listed too. */
export async function federateDirectly(store: Store, g: DirectGateway): Promise<string> {
  const client = new Client(
    { name: 'federate-directly', version: '1' },
    { capabilities: { sampling: {}, elicitation: { form: {}, url: {} }, roots: { listChanged: true } } },
  );
  client.fallbackRequestHandler = () => Promise.resolve({ roots: [] });
  await client.connect(transportOf(g));
  const [tools, resources, templates, prompts] = await Promise.all([
    client.listTools(),
    client.listResources().catch(() => ({ resources: [] })),
    client.listResourceTemplates().catch(() => ({ resourceTemplates: [] })),
    client.listPrompts().catch(() => ({ prompts: [] })),
  ]);
  await client.close();

  const now = nowIso();
  const audit = { created_at: now, updated_at: now, created_by: 'test', modified_by: 'test', version: 1 };
  const gatewayId = newId();
  const slug = g.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const named = (n: string) => (g.prefix ? `${slug}-${n}` : n);
  const db = store.db;
  await db
    .insertInto('gateways')
    .values({
      id: gatewayId,
      name: g.name,
      slug,
      url: g.url,
      description: null,
      transport: g.transport,
      capabilities: '{}',
      auth_type: null,
      auth_value: null,
      passthrough_auth: g.passthroughAuth === true ? 1 : 0,
      passthrough_headers: '[]',
      prefix_mode: g.prefix ? 'always' : 'never',
      timeout_ms: g.timeoutMs ?? null,
      command: g.command === undefined ? null : JSON.stringify(g.command),
      enabled: 1,
      reachable: 1,
      last_seen: now,
      tags: '[]',
      ...audit,
    })
    .execute();
  const associate = async (
    table: 'server_tool_association' | 'server_resource_association' | 'server_prompt_association',
    column: string,
    id: string,
  ) => {
    if (g.serverId === undefined) return;
    await db
      .insertInto(table)
      .values({ server_id: g.serverId, [column]: id })
      .execute();
  };
  for (const t of tools.tools) {
    const id = newId();
    await db
      .insertInto('tools')
      .values({
        id,
        original_name: t.name,
        custom_name: null,
        name: named(t.name),
        display_name: t.title ?? null,
        url: g.url,
        description: t.description ?? null,
        integration_type: 'MCP',
        request_type: g.transport,
        headers: '{}',
        input_schema: JSON.stringify(t.inputSchema),
        output_schema: t.outputSchema === undefined ? null : JSON.stringify(t.outputSchema),
        annotations: JSON.stringify(t.annotations ?? {}),
        jsonpath_filter: null,
        auth_type: null,
        auth_value: null,
        timeout_ms: null,
        gateway_id: gatewayId,
        enabled: 1,
        reachable: 1,
        tags: '[]',
        ...audit,
      })
      .execute();
    await associate('server_tool_association', 'tool_id', id);
  }
  const resourceRows = [
    ...resources.resources.map((r) => ({
      uri: r.uri,
      name: r.name,
      description: r.description,
      mime: r.mimeType,
      template: null,
    })),
    ...templates.resourceTemplates.map((t) => ({
      uri: t.uriTemplate,
      name: t.name,
      description: t.description,
      mime: t.mimeType,
      template: t.uriTemplate,
    })),
  ];
  for (const r of resourceRows) {
    // URIs are unique across gateways: the first gateway to offer one keeps it.
    const taken = await db.selectFrom('resources').select('id').where('uri', '=', r.uri).executeTakeFirst();
    if (taken !== undefined) continue;
    const id = newId();
    await db
      .insertInto('resources')
      .values({
        id,
        uri: r.uri,
        name: r.name,
        description: r.description ?? null,
        mime_type: r.mime ?? null,
        uri_template: r.template,
        text_content: null,
        binary_content: null,
        size: null,
        gateway_id: gatewayId,
        enabled: 1,
        tags: '[]',
        ...audit,
      })
      .execute();
    await associate('server_resource_association', 'resource_id', id);
  }
  for (const p of prompts.prompts) {
    const id = newId();
    await db
      .insertInto('prompts')
      .values({
        id,
        original_name: p.name,
        name: named(p.name),
        description: p.description ?? null,
        template: '',
        argument_schema: JSON.stringify(p.arguments ?? []),
        gateway_id: gatewayId,
        enabled: 1,
        tags: '[]',
        ...audit,
      })
      .execute();
    await associate('server_prompt_association', 'prompt_id', id);
  }
  return gatewayId;
}
