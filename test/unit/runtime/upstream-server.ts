// A real HTTP upstream on 127.0.0.1 (random port) that records what arrives and answers per path.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Route = (req: ReceivedRequest, res: http.ServerResponse) => void;

export interface UpstreamServer {
  port: number;
  base: string;
  received: ReceivedRequest[];
  /** Resolves with the next request to reach the server (after its body is read). */
  nextRequest(): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

export async function startUpstream(routes: Record<string, Route>): Promise<UpstreamServer> {
  const table = new Map(Object.entries(routes));
  const received: ReceivedRequest[] = [];
  const waiters: Array<(r: ReceivedRequest) => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      received.push(entry);
      waiters.splice(0).forEach((w) => w(entry));
      const path = new URL(req.url!, 'http://x').pathname;
      const route = table.get(path);
      if (route) route(entry, res);
      else res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route for ${path}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    received,
    nextRequest: () => new Promise((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound once, then released. */
export async function deadPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const json = (res: http.ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};
