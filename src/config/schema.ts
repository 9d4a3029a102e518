// Every configuration variable: its environment name, type, default and one-line doc (docs/configuration.md is checked against this).
import { z } from 'zod';
import { bool, choice, databaseUrl, int, list, networkList } from './value-types.js';
import { parseCron } from '../lib/cron.js';

interface VarSpec<S extends z.ZodType, D extends string | undefined> {
  env: string;
  schema: S;
  /** The default as the string a user would write in `.env`; undefined means "unset". */
  default: D;
  doc: string;
  secret?: boolean;
}

const v = <S extends z.ZodType, D extends string | undefined>(spec: VarSpec<S, D>): VarSpec<S, D> => spec;

export const CONFIG_SCHEMA = {
  host: v({
    env: 'HOST',
    schema: z.string().min(1),
    default: '127.0.0.1',
    doc: 'Address the HTTP server binds to.',
  }),
  port: v({ env: 'PORT', schema: int(0, 65535), default: '4444', doc: 'TCP port of the HTTP server.' }),
  environment: v({
    env: 'ENVIRONMENT',
    schema: choice(['development', 'staging', 'production', 'test']),
    default: 'development',
    doc: 'development generates missing secrets into .env; staging and production refuse to start without them.',
  }),
  logLevel: v({
    env: 'LOG_LEVEL',
    schema: choice(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      critical: 'fatal',
      warning: 'warn',
    }),
    default: 'info',
    doc: "Minimum level of the structured (pino) log written to stdout, in any case; ContextForge's WARNING and CRITICAL mean warn and fatal.",
  }),
  databaseUrl: v({
    env: 'DATABASE_URL',
    schema: databaseUrl,
    default: 'sqlite:///./mcp.db',
    doc: 'sqlite:///./relative.db, sqlite:////absolute.db or postgresql://user:pass@host:5432/db (postgresql+psycopg:// as ContextForge writes it works too).',
  }),
  dbPoolSize: v({
    env: 'DB_POOL_SIZE',
    schema: int(1, 500),
    default: '10',
    doc: 'PostgreSQL connection pool size.',
  }),
  cacheType: v({
    env: 'CACHE_TYPE',
    schema: choice(['database', 'memory', 'redis', 'none']),
    default: 'database',
    doc: 'Where MCP sessions live: database or redis (shared by every instance on it), memory (this process), or none (this process, nothing stored: a session lives as long as its connection). See docs/sessions.md.',
  }),
  registryCacheTtl: v({
    env: 'REGISTRY_CACHE_TTL',
    schema: z.coerce.number().min(0).max(3600),
    default: '2',
    doc: "Seconds an instance reuses a tool, server or gateway looked up for an MCP call; changes made through this instance apply at once, other instances' after at most this long. 0 turns the cache off.",
  }),
  redisUrl: v({
    env: 'REDIS_URL',
    schema: z.string().url(),
    default: 'redis://localhost:6379/0',
    doc: 'Redis URL when CACHE_TYPE=redis.',
  }),
  sessionTtl: v({
    env: 'SESSION_TTL',
    schema: int(1, 31_536_000),
    default: '3600',
    doc: 'Seconds an idle MCP session is kept; the leader instance deletes expired stored sessions (docs/sessions.md).',
  }),
  messageTtl: v({
    env: 'MESSAGE_TTL',
    schema: int(1, 31_536_000),
    default: '600',
    doc: 'Seconds an undelivered message is kept.',
  }),
  authRequired: v({
    env: 'AUTH_REQUIRED',
    schema: bool,
    default: 'true',
    doc: 'false lets every request through as an anonymous admin (local play only).',
  }),
  jwtSecretKey: v({
    env: 'JWT_SECRET_KEY',
    schema: z.string().min(1),
    default: undefined,
    doc: 'HMAC secret for HS* tokens; generated into .env in development when unset.',
    secret: true,
  }),
  jwtAlgorithm: v({
    env: 'JWT_ALGORITHM',
    schema: z.enum(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512']),
    default: 'HS256',
    doc: 'Signature algorithm of bearer tokens.',
  }),
  jwtPublicKeyPath: v({
    env: 'JWT_PUBLIC_KEY_PATH',
    schema: z.string().min(1),
    default: undefined,
    doc: 'PEM public key file for RS*/ES* verification.',
  }),
  jwtPrivateKeyPath: v({
    env: 'JWT_PRIVATE_KEY_PATH',
    schema: z.string().min(1),
    default: undefined,
    doc: 'PEM private key file for RS*/ES* signing (mcpgateway token).',
  }),
  jwtAudience: v({
    env: 'JWT_AUDIENCE',
    schema: z.string().min(1),
    default: 'mcpgateway-api',
    doc: 'Required `aud` claim.',
  }),
  jwtIssuer: v({
    env: 'JWT_ISSUER',
    schema: z.string().min(1),
    default: 'mcpgateway',
    doc: 'Required `iss` claim.',
  }),
  basicAuthUser: v({
    env: 'BASIC_AUTH_USER',
    schema: z.string().min(1),
    default: undefined,
    doc: 'Enables HTTP basic auth (admin UI, scripts) with this user name.',
  }),
  basicAuthPassword: v({
    env: 'BASIC_AUTH_PASSWORD',
    schema: z.string().min(1),
    default: undefined,
    doc: 'Password for BASIC_AUTH_USER.',
    secret: true,
  }),
  authEncryptionSecret: v({
    env: 'AUTH_ENCRYPTION_SECRET',
    schema: z.string().min(1),
    default: undefined,
    doc: 'Key material for AES-256-GCM encryption of stored upstream credentials; generated in development when unset.',
    secret: true,
  }),
  allowedOrigins: v({
    env: 'ALLOWED_ORIGINS',
    schema: list,
    default: '',
    doc: 'Extra browser origins allowed on MCP endpoints (same-host origins are always allowed).',
  }),
  maxBodyBytes: v({
    env: 'MAX_BODY_BYTES',
    schema: int(1024, 104_857_600),
    default: '1048576',
    doc: 'Largest accepted request body in bytes (413 past it).',
  }),
  toolTimeout: v({
    env: 'TOOL_TIMEOUT',
    schema: int(1, 3600),
    default: '60',
    doc: 'Seconds a tool call may take before it fails with a timeout.',
  }),
  shutdownGraceMs: v({
    env: 'SHUTDOWN_GRACE_MS',
    schema: int(0, 600_000),
    default: '10000',
    doc: 'Milliseconds a stopping gateway (SIGTERM, Ctrl-C) lets in-flight requests and MCP calls finish before it closes sessions and connections; new requests get 503 meanwhile.',
  }),
  ssrfProtectionEnabled: v({
    env: 'SSRF_PROTECTION_ENABLED',
    schema: bool,
    default: 'true',
    doc: 'Check outbound URLs (tools, gateways) against the address rules below.',
  }),
  ssrfAllowLocalhost: v({
    env: 'SSRF_ALLOW_LOCALHOST',
    schema: bool,
    default: 'false',
    doc: 'Allow loopback destinations (127.0.0.0/8, ::1).',
  }),
  ssrfAllowPrivateNetworks: v({
    env: 'SSRF_ALLOW_PRIVATE_NETWORKS',
    schema: bool,
    default: 'false',
    doc: 'Allow RFC 1918, link-local and unique-local destinations.',
  }),
  ssrfAllowedNetworks: v({
    env: 'SSRF_ALLOWED_NETWORKS',
    schema: networkList,
    default: '',
    doc: 'CIDRs always allowed (cloud metadata stays blocked).',
  }),
  gatewayToolNameSeparator: v({
    env: 'GATEWAY_TOOL_NAME_SEPARATOR',
    schema: choice(['-', '_', '--', '__'], { '.': '_' }),
    default: '-',
    doc: "Separator between gateway slug and tool name of federated tools. ContextForge's `.` is read as `_` (with a warning): LLM providers refuse tool names with dots.",
  }),
  healthCheckInterval: v({
    env: 'HEALTH_CHECK_INTERVAL',
    schema: int(1, 86_400),
    default: '60',
    doc: 'Seconds between upstream gateway health checks.',
  }),
  unhealthyThreshold: v({
    env: 'UNHEALTHY_THRESHOLD',
    schema: int(1, 1000),
    default: '3',
    doc: 'Consecutive failed checks before a gateway is marked unreachable.',
  }),
  federationConnectTimeout: v({
    env: 'FEDERATION_CONNECT_TIMEOUT',
    schema: int(1, 600),
    default: '10',
    doc: 'Seconds to connect to and initialize an upstream MCP server before a forwarded call fails.',
  }),
  federationMaxSessionsPerGateway: v({
    env: 'FEDERATION_MAX_SESSIONS_PER_GATEWAY',
    schema: int(1, 100_000),
    default: '200',
    doc: 'Upstream sessions per HTTP gateway (one per client session using it); past it the least recently used idle one closes.',
  }),
  federationMaxStdioSessionsPerGateway: v({
    env: 'FEDERATION_MAX_STDIO_SESSIONS_PER_GATEWAY',
    schema: int(1, 1000),
    default: '8',
    doc: 'Upstream sessions (child processes) per stdio gateway; past it the least recently used idle one is stopped.',
  }),
  federationSessionIdleTimeout: v({
    env: 'FEDERATION_SESSION_IDLE_TIMEOUT',
    schema: int(1, 86_400),
    default: '300',
    doc: 'Seconds an upstream session may stay unused before it is closed (a later call opens a new one).',
  }),
  circuitBreakerThreshold: v({
    env: 'CIRCUIT_BREAKER_THRESHOLD',
    schema: int(1, 1000),
    default: '5',
    doc: 'Consecutive failed calls (timeouts, connection errors) after which a gateway fails fast.',
  }),
  circuitBreakerCooldown: v({
    env: 'CIRCUIT_BREAKER_COOLDOWN',
    schema: int(1, 3600),
    default: '30',
    doc: 'Seconds a gateway fails fast once its circuit opened, before one trial call is let through.',
  }),
  sseKeepaliveInterval: v({
    env: 'SSE_KEEPALIVE_INTERVAL',
    schema: int(1, 3600),
    default: '30',
    doc: 'Seconds between keep-alive comments on SSE streams.',
  }),
  stdioAllowedCommands: v({
    env: 'STDIO_ALLOWED_COMMANDS',
    schema: list,
    default: '',
    doc: 'Executables a STDIO gateway may run (empty: none).',
  }),
  promptRenderTimeoutMs: v({
    env: 'PROMPT_RENDER_TIMEOUT_MS',
    schema: int(10, 60_000),
    default: '1000',
    doc: 'Milliseconds a prompt template may take to render.',
  }),
  promptMaxOutputBytes: v({
    env: 'PROMPT_MAX_OUTPUT_BYTES',
    schema: int(1024, 16_777_216),
    default: '262144',
    doc: 'Largest rendered prompt in bytes.',
  }),
  metricsRetentionDays: v({
    env: 'METRICS_RETENTION_DAYS',
    schema: int(0, 3650),
    default: '30',
    doc: 'Days metrics rows are kept (0 keeps them forever).',
  }),
  backupDir: v({
    env: 'BACKUP_DIR',
    schema: z.string().min(1),
    default: './backups',
    doc: 'Directory of `mcpgateway backup` artifacts and scheduled backups (relative to the working directory).',
  }),
  backupSchedule: v({
    env: 'BACKUP_SCHEDULE',
    schema: z.string().transform((text, ctx) => {
      try {
        return parseCron(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
    default: undefined,
    doc: 'Cron expression (UTC, five fields, e.g. `0 3 * * *`) for backups made by the gateway itself; unset: none.',
  }),
  backupRetention: v({
    env: 'BACKUP_RETENTION',
    schema: z
      .string()
      .regex(/^\s*(\d+d?)\s*(,\s*\d+d?\s*)?$/, 'must be N (keep the last N), Nd (keep N days) or both: 7,30d')
      .transform((text) => {
        const parts = text.split(',').map((p) => p.trim());
        const last = parts.find((p) => !p.endsWith('d'));
        const days = parts.find((p) => p.endsWith('d'));
        return {
          keepLast: last === undefined ? undefined : Number(last),
          keepDays: days === undefined ? undefined : Number(days.slice(0, -1)),
        };
      }),
    default: '7',
    doc: 'Scheduled backups kept: the last N, those younger than N days (`30d`), or either (`7,30d`); older ones are pruned after a new one is verified.',
  }),
} as const;

type Schema = typeof CONFIG_SCHEMA;
type Value<K extends keyof Schema> = z.output<Schema[K]['schema']>;

export type Config = Readonly<{
  [K in keyof Schema]: Schema[K]['default'] extends string ? Value<K> : Value<K> | undefined;
}>;
