// bench/mcp-calls: tools/call of a REST tool through /rpc and a Streamable HTTP session, against the echo upstream called directly.
// Then an unloaded latency phase per path: one connection, calls one after another, p50/p90/p99 and p50 added over direct.
// Run: npm run build && npx tsx bench/mcp-calls.ts [--seconds 10] [--connections 32] [--latency-seconds 3]
import { parseArgs } from 'node:util';
import {
  BENCH_SECRET,
  gatewayEnv,
  latency,
  load,
  mintToken,
  openSession,
  printLatencyTable,
  printTable,
  profileArgs,
  spawnUntil,
  startEchoUpstream,
  type LatencyResult,
  type LoadResult,
  type LoadSpec,
} from './lib.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    /** Seconds of one-connection, one-call-at-a-time latency per path after its throughput run (0 skips). */
    'latency-seconds': { type: 'string', default: '3' },
    /** Writes a V8 CPU profile of the gateway into this directory (node --cpu-prof). */
    profile: { type: 'string' },
    /** Where the gateway keeps sessions (CACHE_TYPE); the product's default, database, unless told. */
    'cache-type': { type: 'string', default: 'database' },
  },
});
const durationSeconds = Number(values.seconds);
const connections = Number(values.connections);
const latencySeconds = Number(values['latency-seconds']);

const upstream = await startEchoUpstream();
const env = gatewayEnv(values['cache-type']);
const entry = new URL('../dist/cli/index.js', import.meta.url).pathname;
const gateway = await spawnUntil(
  process.execPath,
  [...profileArgs(values.profile), entry],
  { ...env },
  /listening on (http:\/\/\S+)/,
);
const base = gateway.match;
const token = await mintToken(entry, env, BENCH_SECRET);
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

async function api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: auth,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

const tool = await api('POST', '/tools', {
  name: 'echo',
  url: `${upstream.url}/echo`,
  request_type: 'POST',
  input_schema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
});
const server = await api('POST', '/servers', { name: 'bench', associated_tools: [tool.id] });

const sessionHeaders = await openSession(`${base}/servers/${String(server.id)}/mcp`, auth);

const call = (n: number) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id: n,
    method: 'tools/call',
    params: { name: 'echo', arguments: { message: `hello ${n}` } },
  });
const common = { connections, durationSeconds };

/** The throughput run, then (unless skipped) the unloaded latency run on the same URL, headers and body. */
async function measure(spec: LoadSpec): Promise<{ load: LoadResult; latency?: LatencyResult }> {
  const throughput = await load(spec);
  if (latencySeconds <= 0) return { load: throughput };
  return { load: throughput, latency: await latency({ ...spec, durationSeconds: latencySeconds }) };
}

console.log(
  `bench/mcp-calls: ${connections} connections, ${durationSeconds}s per path${latencySeconds > 0 ? `, then ${latencySeconds}s unloaded latency per path` : ''}, CACHE_TYPE=${values['cache-type']}, node ${process.version}, auth and metrics on`,
);
const direct = await measure({
  ...common,
  label: '(c) echo upstream directly',
  url: `${upstream.url}/echo`,
  headers: { 'content-type': 'application/json' },
  body: (n) => JSON.stringify({ message: `hello ${n}` }),
});
const rpc = await measure({
  ...common,
  label: '(a) gateway /rpc',
  url: `${base}/rpc`,
  headers: auth,
  body: call,
});
const streamable = await measure({
  ...common,
  label: '(b) gateway Streamable HTTP session',
  url: `${base}/servers/${String(server.id)}/mcp`,
  headers: sessionHeaders,
  body: call,
});
printTable([rpc.load, streamable.load, direct.load], direct.load);
if (direct.latency && rpc.latency && streamable.latency) {
  console.log();
  printLatencyTable([rpc.latency, streamable.latency, direct.latency], direct.latency);
}

gateway.child.kill('SIGTERM');
upstream.server.close();
upstream.server.closeAllConnections();
