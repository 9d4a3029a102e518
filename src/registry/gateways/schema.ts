// The gateway create/update input (flat, as ContextForge's POST /gateways): validated once here.
import { z } from 'zod';
import {
  HTTP_SCHEMES,
  LIMITS,
  descriptionSchema,
  nameSchema,
  tagsSchema,
  urlSchema,
} from '../common/input.js';
import { parseWith } from '../../errors/parse-with.js';
import type { GatewayAuth } from '../../runtime/credentials.js';
import { parseGatewayAuth } from '../common/upstream-auth.js';

export const TRANSPORTS = ['SSE', 'STREAMABLEHTTP', 'STDIO'] as const;
export const PREFIX_MODES = ['always', 'never', 'conflict'] as const;

/** "sse", "streamable-http", "streamable_http" and "STREAMABLEHTTP" all name a transport. */
const transport = z
  .string()
  .transform((s) => s.toUpperCase().replace(/[-_\s]/g, ''))
  .pipe(z.enum(TRANSPORTS));

const prefixMode = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(PREFIX_MODES));

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'must be a valid HTTP header name');

/** An array or ContextForge's form value "X-Tenant, X-Trace"; names compare case-insensitively. */
const passthroughHeaders = z
  .union([z.array(headerName).max(32), z.string().max(4096)])
  .transform((v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : v,
  )
  .pipe(z.array(headerName).max(32))
  .transform((names) => {
    const seen = new Map<string, string>();
    for (const n of names) if (!seen.has(n.toLowerCase())) seen.set(n.toLowerCase(), n);
    return [...seen.values()];
  });

/** argv of a STDIO gateway's server, run without a shell: ["npx", "-y", "@scope/server"]. */
const command = z
  .array(z.string().min(1, 'must not be empty').max(4096))
  .min(1, 'must name the executable')
  .max(64, 'must have at most 64 arguments');

const fields = {
  name: nameSchema(LIMITS.name),
  url: urlSchema(HTTP_SCHEMES),
  command: command.nullish(),
  description: descriptionSchema.nullish(),
  transport: transport.optional(),
  passthrough_headers: passthroughHeaders.nullish(),
  passthrough_auth: z.boolean().optional(),
  prefix_mode: prefixMode.optional(),
  timeout_ms: z.number().int().min(1).max(3_600_000).nullish(),
  tags: tagsSchema.optional(),
};

/** A URL for STREAMABLEHTTP and SSE; a command (and no URL) for STDIO. */
const gatewayCreateSchema = z.object({ ...fields, url: fields.url.optional() }).superRefine((input, ctx) => {
  if (input.transport === 'STDIO') {
    if (!input.command)
      ctx.addIssue({
        code: 'custom',
        path: ['command'],
        message: 'a STDIO gateway needs command (an argv array)',
      });
  } else if (input.url === undefined) {
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'required (or transport STDIO with command)' });
  }
});
const gatewayUpdateSchema = z.object(fields).partial();

/** A new gateway; `auth` null means none. */
export type GatewayCreate = z.output<typeof gatewayCreateSchema> & { auth: GatewayAuth | null };
/** Only the fields given change; `auth` undefined keeps the stored credentials, null removes them. */
export type GatewayUpdate = z.output<typeof gatewayUpdateSchema> & { auth?: GatewayAuth | null };

/** Unknown keys (ContextForge's team_id, visibility, …) are ignored. */
export function parseGatewayCreate(raw: Record<string, unknown>): GatewayCreate {
  return { ...parseWith(gatewayCreateSchema, raw), auth: parseGatewayAuth(raw) ?? null };
}

export function parseGatewayUpdate(raw: Record<string, unknown>): GatewayUpdate {
  const auth = parseGatewayAuth(raw);
  return { ...parseWith(gatewayUpdateSchema, raw), ...(auth === undefined ? {} : { auth }) };
}
