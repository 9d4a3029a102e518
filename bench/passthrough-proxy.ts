// bench/passthrough-proxy: the cheapest possible HTTP hop in Node, as a floor for bench/federation's gateway row.
// It forwards each request's bytes to one upstream and the answer's bytes back (session and protocol headers
// included) without reading them: no JSON, no auth, no session, no metrics. BURN_US burns that much CPU per
// request, to measure how throughput through a hop falls as the hop's own CPU grows on this machine.
// Run by bench/federation: node --import tsx bench/passthrough-proxy.ts <upstream URL> <port>
import { createServer } from 'node:http';
import { Pool } from 'undici';

const [upstreamUrl, port] = process.argv.slice(2);
if (upstreamUrl === undefined || port === undefined)
  throw new Error('usage: passthrough-proxy.ts <upstream URL> <port>');
const target = new URL(upstreamUrl);
const pool = new Pool(target.origin, { connections: 64 });
const burnNs = BigInt(Math.round(Number(process.env.BURN_US ?? '0') * 1000));
const FORWARDED = ['content-type', 'accept', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id'];

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    for (const until = process.hrtime.bigint() + burnNs; process.hrtime.bigint() < until;);
    const headers: Record<string, string> = {};
    for (const name of FORWARDED) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    pool
      .request({
        path: target.pathname,
        method: req.method === 'GET' || req.method === 'DELETE' ? req.method : 'POST',
        headers,
        ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
      })
      .then(async (answer) => {
        const out: Record<string, string> = {};
        for (const name of ['content-type', 'mcp-session-id']) {
          const value = answer.headers[name];
          if (typeof value === 'string') out[name] = value;
        }
        const body = Buffer.from(await answer.body.arrayBuffer());
        res.writeHead(answer.statusCode, out).end(body);
      })
      .catch((error: unknown) => res.writeHead(502).end(String(error)));
  });
}).listen(Number(port), '127.0.0.1', () => console.log(`passthrough proxy listening on port ${port}`));
process.on('SIGTERM', () => process.exit(0));
