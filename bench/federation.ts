// bench/federation: tools/call echo on server-everything directly, through this gateway, through a pass-through proxy
// that does no MCP work (the floor of any Node hop here), and through supergateway and mcp-proxy.
// Then an unloaded latency phase per path: one connection, calls one after another, p50/p90/p99 and p50 added over direct.
// Run: npm run build && npx tsx bench/federation.ts [--seconds 10] [--connections 32] [--latency-seconds 3] [--rounds 1] [--paths ...]
// supergateway and mcp-proxy come from npm through `npx -y` (pinned below), never from package.json.
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BENCH_SECRET,
  gatewayEnv,
  latency,
  load,
  mintToken,
  openSession,
  printLatencyTable,
  profileArgs,
  spawnUntil,
  type LatencyResult,
  type LoadResult,
} from './lib.js';
import { hasWrk, wrkLoad } from './wrk-load.js';

const SUPERGATEWAY = 'supergateway@4.0.0';
const MCP_PROXY = 'mcp-proxy@6.7.19';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    /** Seconds of one-connection, one-call-at-a-time latency per path after its throughput run (0 skips). */
    'latency-seconds': { type: 'string', default: '3' },
    /** The load generator: autocannon (Node, in this process) or wrk (C, lighter on the shared cores). */
    client: { type: 'string', default: 'autocannon' },
    /** Rounds of every row, run in turn with fresh processes; the table shows medians (this machine drifts). */
    rounds: { type: 'string', default: '1' },
    /** Comma-separated subset of: gateway-http, gateway-stdio, supergateway, mcp-proxy, floor (direct always runs). */
    paths: { type: 'string', default: 'gateway-http,gateway-stdio,supergateway,mcp-proxy,floor' },
    /** CPU microseconds the floor row's pass-through proxy burns per request (how a hop's cost bends throughput). */
    'floor-burn-us': { type: 'string', default: '0' },
    /** Writes a V8 CPU profile of each gateway process into this directory (node --cpu-prof). */
    profile: { type: 'string' },
    /** Where the gateway keeps sessions (CACHE_TYPE); the product's default, database, unless told. */
    'cache-type': { type: 'string', default: 'database' },
  },
});
const durationSeconds = Number(values.seconds);
const paths = new Set(values.paths.split(',').map((p) => p.trim()));
const connections = Number(values.connections);
const latencySeconds = Number(values['latency-seconds']);
const rounds = Math.max(1, Number(values.rounds));
if (values.client !== 'wrk' && values.client !== 'autocannon')
  throw new Error('--client is wrk or autocannon');
if (values.client === 'wrk' && !hasWrk())
  throw new Error('wrk is not installed (Debian: apt-get install wrk), or run with --client autocannon');
const generate = values.client === 'wrk' ? wrkLoad : load;
const everything = fileURLToPath(
  new URL('../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url),
);
const stdioArgv = [process.execPath, everything, 'stdio'];
/** Process group leaders: npx → node → the proxy → its stdio child all go with one kill. */
const groups: number[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** Starts a child in a process group of its own, stopped with its row (see stopGroups). */
async function spawnReady(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<string> {
  const { child, match } = await spawnUntil(cmd, args, env, ready, { detached: true });
  if (child.pid !== undefined) groups.push(child.pid);
  return match;
}

/** Some proxies announce their port before they listen on it. */
async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listens on port ${port}`);
}

/**
 * The revision every row speaks: the latest, which the gateway also speaks to its upstream. server-everything
 * does more per call on 2025-11-25 than on 2025-06-18 (it numbers events for resumption: ~1.2 ms per call
 * here), so a client on an older revision would compare the gateway's upstream work with cheaper direct work.
 */
const PROTOCOL_VERSION = '2025-11-25';

interface PathResult {
  load: LoadResult;
  latency?: LatencyResult;
}

/**
 * The same load on every path: `connections` clients in one session calling echo as fast as they are
 * answered; then, in the same session, one client calling it one call at a time.
 */
async function measure(
  label: string,
  url: string,
  tool: string,
  extra: Record<string, string> = {},
): Promise<PathResult> {
  const headers = await openSession(url, extra, PROTOCOL_VERSION);
  const body = (n: number) =>
    JSON.stringify({
      jsonrpc: '2.0',
      id: n,
      method: 'tools/call',
      params: { name: tool, arguments: { message: `hello ${n}` } },
    });
  // A short warm-up: connection pools, upstream sessions, JIT.
  await generate({ label, url, headers, body, connections, durationSeconds: 1 });
  const result = await generate({ label, url, headers, body, connections, durationSeconds });
  console.log(
    `${label}: ${result.requestsPerSecond.toFixed(0)} calls/s, p50 ${result.p50} ms, p99 ${result.p99} ms, errors ${result.errors + result.non2xx}`,
  );
  if (latencySeconds <= 0) return { load: result };
  const unloaded = await latency({ label, url, headers, body, durationSeconds: latencySeconds });
  console.log(
    `${label}: unloaded ${unloaded.calls} calls, p50 ${unloaded.p50.toFixed(2)} ms, p90 ${unloaded.p90.toFixed(2)} ms, p99 ${unloaded.p99.toFixed(2)} ms, errors ${unloaded.errors}`,
  );
  return { load: result, latency: unloaded };
}

async function startGatewayFor(
  upstream: Record<string, unknown>,
): Promise<{ mcp: string; auth: Record<string, string> }> {
  const env = gatewayEnv(values['cache-type']);
  const entry = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
  const base = await spawnReady(
    process.execPath,
    [...profileArgs(values.profile), entry],
    env,
    /listening on (http:\/\/\S+)/,
  );
  const token = await mintToken(entry, env, BENCH_SECRET);
  const auth = { authorization: `Bearer ${token}` };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  const gateway = await post('/gateways', { name: 'everything', ...upstream });
  const tools = (await (
    await fetch(`${base}/tools?gateway_id=${gateway.id}&limit=0`, { headers: auth })
  ).json()) as Array<{ id: string; name: string }>;
  const server = await post('/servers', { name: 'bench', associated_tools: tools.map((t) => t.id) });
  return { mcp: `${base}/servers/${server.id}/mcp`, auth };
}

/** Rows in the order they run in each round; (a) is the baseline of every ratio. */
const ROWS: Array<{ path: string; run: () => Promise<PathResult> }> = [
  {
    path: 'direct',
    run: async () =>
      measure('(a) server-everything directly (Streamable HTTP)', await startEverythingHttp(), 'echo'),
  },
  {
    path: 'gateway-http',
    run: async () => {
      const via = await startGatewayFor({ url: await startEverythingHttp(), transport: 'STREAMABLEHTTP' });
      return measure('(b) mcpgateway → Streamable HTTP upstream', via.mcp, 'everything-echo', via.auth);
    },
  },
  {
    path: 'gateway-stdio',
    run: async () => {
      const via = await startGatewayFor({ transport: 'STDIO', command: stdioArgv });
      return measure('(b) mcpgateway → stdio upstream', via.mcp, 'everything-echo', via.auth);
    },
  },
  { path: 'floor', run: floor },
  { path: 'supergateway', run: supergateway },
  { path: 'mcp-proxy', run: mcpProxy },
];

/** Stops the processes started since `from` (one row's), so the next row has the machine to itself. */
function stopGroups(from: number): void {
  for (const pid of groups.splice(from)) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The run with the median throughput (its p50/p99 go in the table), and the median of the per-round ratios. */
function summarize(runs: PathResult[], directRuns: PathResult[]): { load: LoadResult; ratio: number } {
  const byThroughput = [...runs].sort((x, y) => x.load.requestsPerSecond - y.load.requestsPerSecond);
  const ratios = runs.map((r, i) => r.load.requestsPerSecond / directRuns[i]!.load.requestsPerSecond);
  return { load: byThroughput[Math.floor((runs.length - 1) / 2)]!.load, ratio: median(ratios) };
}

try {
  console.log(
    `bench/federation: tools/call echo, ${connections} connections in one session (${values.client}), ${durationSeconds}s per path${latencySeconds > 0 ? `, then ${latencySeconds}s unloaded latency per path` : ''}, ${rounds} round(s), CACHE_TYPE=${values['cache-type']}, node ${process.version}`,
  );
  const rows = ROWS.filter((row) => row.path === 'direct' || paths.has(row.path));
  const runs = new Map<string, PathResult[]>(rows.map((row) => [row.path, []]));
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) console.log(`round ${round} of ${rounds}`);
    for (const row of rows) {
      const from = groups.length;
      try {
        runs.get(row.path)!.push(await row.run());
      } finally {
        stopGroups(from);
      }
    }
  }
  const directRuns = runs.get('direct')!;
  const summaries = rows.map((row) => summarize(runs.get(row.path)!, directRuns));
  const direct = summaries[0]!.load;
  console.log();
  if (rounds > 1)
    console.log(`Medians of ${rounds} rounds (ratios: the median of each round's ratio to (a)):`);
  console.log('| path | calls/s | p50 ms | p99 ms | errors | vs direct (throughput) | added p50 ms |');
  console.log('|---|---|---|---|---|---|---|');
  for (const { load: r, ratio } of summaries)
    console.log(
      `| ${r.label} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors + r.non2xx} | ${ratio.toFixed(2)}x | ${(r.p50 - direct.p50).toFixed(1)} |`,
    );
  if (latencySeconds > 0) {
    const unloaded = rows.map((row) => {
      const lat = runs.get(row.path)!.flatMap((r) => (r.latency ? [r.latency] : []));
      return [...lat].sort((x, y) => x.p50 - y.p50)[Math.floor((lat.length - 1) / 2)]!;
    });
    console.log();
    printLatencyTable(unloaded, unloaded[0]!);
  }
} finally {
  stopGroups(0);
}

/**
 * A fresh server-everything over Streamable HTTP for each row that needs one: on 2025-11-25 it keeps every
 * event it sent in memory (for resumption) and slows down as that grows, so a shared one would favour the
 * row measured first.
 */
async function startEverythingHttp(): Promise<string> {
  const port = await freePort();
  await spawnReady(
    process.execPath,
    [everything, 'streamableHttp'],
    { ...process.env, PORT: String(port) },
    /listening on port/i,
  );
  return `http://127.0.0.1:${port}/mcp`;
}

/**
 * The floor: a Node HTTP hop that does no MCP work at all (bench/passthrough-proxy.ts) in front of its own
 * server-everything. What the gateway row loses beyond this is the gateway's own work per call.
 */
async function floor(): Promise<PathResult> {
  const port = await freePort();
  const proxy = fileURLToPath(new URL('./passthrough-proxy.ts', import.meta.url));
  await spawnReady(
    process.execPath,
    ['--import', 'tsx', proxy, await startEverythingHttp(), String(port)],
    { ...process.env, BURN_US: values['floor-burn-us'] },
    /listening on port/,
  );
  const burn = values['floor-burn-us'] === '0' ? '' : `, burning ${values['floor-burn-us']} µs per call`;
  return measure(
    `(f) pass-through Node proxy (no MCP work${burn}) → Streamable HTTP`,
    `http://127.0.0.1:${port}/mcp`,
    'echo',
  );
}

async function supergateway(): Promise<PathResult> {
  const sgPort = await freePort();
  await spawnReady(
    'npx',
    [
      '-y',
      SUPERGATEWAY,
      '--stdio',
      stdioArgv.join(' '),
      '--outputTransport',
      'streamableHttp',
      '--stateful',
      '--port',
      String(sgPort),
    ],
    process.env,
    /Listening on port/,
  );
  return measure(`(c) ${SUPERGATEWAY} → stdio`, `http://127.0.0.1:${sgPort}/mcp`, 'echo');
}

async function mcpProxy(): Promise<PathResult> {
  const mpPort = await freePort();
  await spawnReady(
    'npx',
    [
      '-y',
      MCP_PROXY,
      '--host',
      '127.0.0.1',
      '--port',
      String(mpPort),
      '--server',
      'stream',
      '--',
      ...stdioArgv,
    ],
    process.env,
    /starting server on port/,
  );
  await waitForPort(mpPort);
  return measure(`(d) ${MCP_PROXY} → stdio`, `http://127.0.0.1:${mpPort}/mcp`, 'echo');
}
