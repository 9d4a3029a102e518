// Shared pieces of the benchmarks: child processes, an echo upstream, autocannon runs, unloaded latency runs and the report tables.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Client } from 'undici';

export interface LoadResult {
  label: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface LoadSpec {
  label: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Called per request: each gets its own JSON-RPC id (a session refuses duplicate in-flight ids). */
  body: (n: number) => string;
  connections: number;
  durationSeconds: number;
}

export async function load(spec: LoadSpec): Promise<LoadResult> {
  let n = 0;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    method: spec.method ?? 'POST',
    headers: spec.headers ?? {},
    requests: [{ setupRequest: (req) => ({ ...req, body: spec.body(++n) }) }],
  });
  return {
    label: spec.label,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export interface LatencyResult {
  label: string;
  calls: number;
  /** Milliseconds, sub-millisecond precision. */
  p50: number;
  p90: number;
  p99: number;
  /** Non-2xx answers, transport errors and JSON-RPC error bodies. */
  errors: number;
}

export type LatencySpec = Omit<LoadSpec, 'connections' | 'durationSeconds'> & {
  durationSeconds?: number;
  warmupCalls?: number;
};

/**
 * Unloaded latency: one connection, each call sent only once the previous answer is read in full, so a
 * percentile is the time of one call rather than queueing behind the other connections (as under `load()`).
 */
export async function latency(spec: LatencySpec): Promise<LatencyResult> {
  const url = new URL(spec.url);
  const client = new Client(url.origin);
  let n = 0;
  const callOnce = async (): Promise<{ ms: number; ok: boolean }> => {
    const start = performance.now();
    try {
      const res = await client.request({
        path: url.pathname + url.search,
        method: spec.method ?? 'POST',
        headers: spec.headers ?? {},
        body: spec.body(++n),
      });
      const text = await res.body.text();
      const ms = performance.now() - start;
      const contentType = String(res.headers['content-type'] ?? '');
      const ok = res.statusCode >= 200 && res.statusCode < 300 && !hasJsonRpcError(contentType, text);
      return { ms, ok };
    } catch {
      return { ms: performance.now() - start, ok: false };
    }
  };
  try {
    // Warm-up: the connection, the gateway's upstream session, JIT.
    for (let i = 0; i < (spec.warmupCalls ?? 200); i++) await callOnce();
    const times: number[] = [];
    let errors = 0;
    const end = performance.now() + (spec.durationSeconds ?? 3) * 1000;
    while (performance.now() < end) {
      const { ms, ok } = await callOnce();
      times.push(ms);
      if (!ok) errors++;
    }
    times.sort((a, b) => a - b);
    return {
      label: spec.label,
      calls: times.length,
      p50: percentile(times, 0.5),
      p90: percentile(times, 0.9),
      p99: percentile(times, 0.99),
      errors,
    };
  } finally {
    await client.close();
  }
}

/** Nearest rank on sorted values (NaN when there are none). */
function percentile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * True when a body carries a top-level `error` (a JSON-RPC error, or an element of a batch). An SSE body
 * is checked event by event through its `data:` lines; a body that is not JSON counts as an error too.
 */
function hasJsonRpcError(contentType: string, text: string): boolean {
  const payloads = contentType.includes('text/event-stream') ? sseData(text) : [text];
  return payloads.some((payload) => {
    if (payload.trim() === '') return false; // 202 Accepted, or an SSE event that only primes an id.
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return true;
    }
    const messages: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    return messages.some((m) => typeof m === 'object' && m !== null && 'error' in m);
  });
}

/** The data of each event in an SSE body (multi-line data joined with newlines, as the spec says). */
function sseData(text: string): string[] {
  return text.split(/\r?\n\r?\n/).map((event) =>
    event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n'),
  );
}

/** A local upstream that answers every POST with the JSON it received (the REST tool under test). */
export async function startEchoUpstream(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString() || '{}';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"echo":${body}}`);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * Spawns a process and resolves when its output matches `ready` (the first capture group is returned). The
 * output goes to a file polled until then, not through a pipe into this process: server-everything prints a
 * line per request, and reading those here would cost the load generator, which shares the cores, CPU on
 * every call. `detached` starts the child in a process group of its own (kill(-pid) then stops its tree).
 */
export function spawnUntil(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  opts: { detached?: boolean } = {},
): Promise<{ child: ChildProcess; match: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpgw-bench-out-'));
  const log = join(dir, 'output.log');
  const fd = openSync(log, 'w');
  const child = spawn(cmd, args, { env, stdio: ['ignore', fd, fd], detached: opts.detached === true });
  closeSync(fd);
  let exited: { code: number | null; output: string } | undefined;
  child.once('exit', (code) => {
    exited = { code, output: readFileSync(log, 'utf8') };
    rmSync(dir, { recursive: true, force: true });
  });
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const out = exited?.output ?? readFileSync(log, 'utf8');
      const m = ready.exec(out);
      if (m) resolve({ child, match: m[1] ?? m[0] });
      else if (exited !== undefined)
        reject(new Error(`${cmd} ${args.join(' ')} exited with ${exited.code}: ${out}`));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

export function printTable(results: LoadResult[], baseline: LoadResult): void {
  console.log('| path | calls/s | p50 ms | p99 ms | errors | vs direct (throughput) | added p50 ms |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    const ratio = r.requestsPerSecond / baseline.requestsPerSecond;
    console.log(
      `| ${r.label} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors + r.non2xx} | ${ratio.toFixed(2)}x | ${(r.p50 - baseline.p50).toFixed(1)} |`,
    );
  }
}

export function printLatencyTable(results: LatencyResult[], baseline: LatencyResult): void {
  console.log('| path | p50 ms | p90 ms | p99 ms | errors | added p50 ms vs direct |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.label} | ${r.p50.toFixed(2)} | ${r.p90.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} | ${(r.p50 - baseline.p50).toFixed(2)} |`,
    );
  }
}

/** Node options that make a gateway process write a CPU profile into `dir` when it exits (none without a dir). */
export function profileArgs(dir: string | undefined): string[] {
  return dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** Opens an MCP session on a Streamable HTTP endpoint; returns the headers every later request of it carries. */
export async function openSession(
  url: string,
  extra: Record<string, string> = {},
  protocolVersion = '2025-11-25',
): Promise<Record<string, string>> {
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': protocolVersion,
    ...extra,
  };
  const init = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion, capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
    }),
  });
  if (!init.ok) throw new Error(`initialize at ${url}: ${init.status} ${await init.text()}`);
  await init.text();
  const session = init.headers.get('mcp-session-id');
  const withSession = session === null ? headers : { ...headers, 'mcp-session-id': session };
  await (
    await fetch(url, {
      method: 'POST',
      headers: withSession,
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    })
  ).text();
  return withSession;
}

/** An admin bearer token from `mcpgateway token`, signed with `secret`. */
export async function mintToken(entry: string, env: NodeJS.ProcessEnv, secret: string): Promise<string> {
  const args = [
    entry,
    'token',
    '--username',
    'bench@example.com',
    '--exp',
    '60',
    '--admin',
    '--secret',
    secret,
  ];
  return (await spawnUntil(process.execPath, args, env, /^(\S+)\n/)).match;
}

/** The JWT secret every bench gateway signs with (tokens come from mintToken). */
export const BENCH_SECRET = 'bench-secret-key-0123456789abcdef';

/** A gateway's environment for a bench: a fresh SQLite file, loopback upstreams allowed, stdio from node only. */
export function gatewayEnv(cacheType: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    PORT: '0',
    LOG_LEVEL: 'warn',
    JWT_SECRET_KEY: BENCH_SECRET,
    AUTH_ENCRYPTION_SECRET: 'bench-encryption-secret',
    SSRF_ALLOW_LOCALHOST: 'true',
    STDIO_ALLOWED_COMMANDS: process.execPath,
    DATABASE_URL: `sqlite:///${join(mkdtempSync(join(tmpdir(), 'mcpgw-bench-')), 'bench.db')}`,
    CACHE_TYPE: cacheType,
  };
}
