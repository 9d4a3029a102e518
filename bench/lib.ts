// Shared pieces of the benchmarks: child processes, an echo upstream, autocannon runs and the report table.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';

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

/** Spawns a process and resolves when its output matches `ready` (the first capture group is returned). */
export function spawnUntil(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: string }> {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = ready.exec(out);
      if (m) resolve({ child, match: m[1] ?? m[0] });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${cmd} exited with ${code}: ${out}`)));
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

/** Node options that make a gateway process write a CPU profile into `dir` when it exits (none without a dir). */
export function profileArgs(dir: string | undefined): string[] {
  return dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}
