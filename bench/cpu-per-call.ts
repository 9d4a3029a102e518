// bench/cpu-per-call: the gateway's own CPU time per tools/call on each path (REST over /rpc and a session,
// forwarded to a stdio and to a Streamable HTTP server-everything), read from /proc around a load.
// Run: npm run build && npx tsx bench/cpu-per-call.ts [--seconds 6] [--cache-type database] (Linux only)
// Throughput on a shared machine depends on what the other processes cost; CPU per call is the gateway's share.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BENCH_SECRET,
  gatewayEnv,
  load,
  mintToken,
  openSession,
  spawnUntil,
  startEchoUpstream,
} from './lib.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '6' },
    connections: { type: 'string', default: '32' },
    'cache-type': { type: 'string', default: 'database' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const everything = fileURLToPath(
  new URL('../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url),
);
const PROTOCOL_VERSION = '2025-11-25';
const TICK_MS = 10; // USER_HZ is 100 on Linux

/** User + system CPU time of a process so far, in milliseconds (/proc/<pid>/stat fields 14 and 15). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

const echo = await startEchoUpstream();
const httpPort = 20_000 + Math.floor(Math.random() * 20_000);
const upstream = (
  await spawnUntil(
    process.execPath,
    [everything, 'streamableHttp'],
    { ...process.env, PORT: String(httpPort) },
    /listening on port/i,
  )
).child;

const entry = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
const call = (tool: string) => (n: number) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id: n,
    method: 'tools/call',
    params: { name: tool, arguments: { message: `hello ${n}` } },
  });

interface Gateway {
  pid: number;
  stop(): void;
  auth: Record<string, string>;
  /** The /rpc URL, and a virtual server with `tools` plus headers of an open session on it. */
  rpc: string;
  mcp: string;
  session: Record<string, string>;
}

/** A gateway process of its own per upstream: two gateways federating server-everything would clash on its URIs. */
async function startGateway(register: (post: Post, get: Get) => Promise<string[]>): Promise<Gateway> {
  const env = gatewayEnv(values['cache-type']);
  const gateway = await spawnUntil(process.execPath, [entry], env, /listening on (http:\/\/\S+)/);
  const base = gateway.match;
  const token = await mintToken(entry, env, BENCH_SECRET);
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const post: Post = async (path, body) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  const get: Get = async (path) => (await fetch(`${base}${path}`, { headers: auth })).json();
  const server = await post('/servers', { name: 'bench', associated_tools: await register(post, get) });
  const mcp = `${base}/servers/${server.id}/mcp`;
  const session = await openSession(mcp, auth, PROTOCOL_VERSION);
  return {
    pid: gateway.child.pid ?? 0,
    stop: () => gateway.child.kill('SIGTERM'),
    auth,
    rpc: `${base}/rpc`,
    mcp,
    session,
  };
}
type Post = (path: string, body: unknown) => Promise<{ id: string }>;
type Get = (path: string) => Promise<unknown>;

/** Registers a gateway and returns its tools' ids (to associate with the virtual server). */
async function federate(post: Post, get: Get, upstream: Record<string, unknown>): Promise<string[]> {
  const gateway = await post('/gateways', { name: 'everything', ...upstream });
  return ((await get(`/tools?gateway_id=${gateway.id}&limit=0`)) as Array<{ id: string }>).map((t) => t.id);
}

const restGateway = await startGateway(async (post) => [
  (
    await post('/tools', {
      name: 'echo',
      url: `${echo.url}/echo`,
      input_schema: { type: 'object', properties: { message: { type: 'string' } } },
    })
  ).id,
]);
const httpGateway = await startGateway((post, get) =>
  federate(post, get, { url: `http://127.0.0.1:${httpPort}/mcp`, transport: 'STREAMABLEHTTP' }),
);
const stdioGateway = await startGateway((post, get) =>
  federate(post, get, { transport: 'STDIO', command: [process.execPath, everything, 'stdio'] }),
);

console.log(
  `bench/cpu-per-call: ${connections} connections, ${seconds}s per path, CACHE_TYPE=${values['cache-type']}, auth and metrics on, node ${process.version}`,
);
console.log('| path | calls/s | gateway CPU ms per call |');
console.log('|---|---|---|');
const paths: Array<[string, Gateway, string, Record<string, string>, string]> = [
  ['REST tool over /rpc', restGateway, restGateway.rpc, restGateway.auth, 'echo'],
  ['REST tool in a Streamable HTTP session', restGateway, restGateway.mcp, restGateway.session, 'echo'],
  ['forwarded to a stdio upstream', stdioGateway, stdioGateway.mcp, stdioGateway.session, 'everything-echo'],
  [
    'forwarded to a Streamable HTTP upstream',
    httpGateway,
    httpGateway.mcp,
    httpGateway.session,
    'everything-echo',
  ],
];
for (const [label, gateway, url, headers, tool] of paths) {
  await load({ label, url, headers, body: call(tool), connections, durationSeconds: 1 });
  const before = cpuMs(gateway.pid);
  const result = await load({ label, url, headers, body: call(tool), connections, durationSeconds: seconds });
  const calls = result.requestsPerSecond * seconds;
  const failed = await failures(url, headers, tool);
  console.log(
    `| ${label} | ${result.requestsPerSecond.toFixed(0)} | ${((cpuMs(gateway.pid) - before) / calls).toFixed(3)}${failed} |`,
  );
}

/** autocannon counts HTTP statuses only: one call checked for a JSON-RPC error keeps a broken path from passing as fast. */
async function failures(url: string, headers: Record<string, string>, tool: string): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers, body: call(tool)(1e9) });
  const text = await res.text();
  return res.ok && !/"error"\s*:|"isError"\s*:\s*true/.test(text) ? '' : ` (failing: ${text.slice(0, 120)})`;
}

for (const gateway of [restGateway, httpGateway, stdioGateway]) gateway.stop();
upstream.kill('SIGTERM');
echo.server.close();
echo.server.closeAllConnections();
