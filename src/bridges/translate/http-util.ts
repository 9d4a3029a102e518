// The bridge's HTTP edge: DNS-rebinding guard, bounded JSON bodies, and JSON-RPC error answers from the one error table.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../errors/app-error.js';
import { httpStatusOf, rpcCodeOf } from '../../errors/codes.js';
import { exceedsDepth, type RpcId } from '../../lib/rpc-message.js';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

const forbidden = (message: string): AppError => new AppError({ code: 'Forbidden', message });

function hostnameOf(hostPort: string): string | undefined {
  try {
    return new URL(`http://${hostPort}`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Returns the refusal for a request a browser page could have sent us by DNS rebinding, else undefined.
 * Bound to loopback, Host and Origin must name loopback; bound elsewhere, an Origin must match the Host.
 * `Origin: null` (sandboxed frames, file://) is foreign either way.
 */
export function rebindingRefusal(req: IncomingMessage, bindHost: string): AppError | undefined {
  const host = req.headers.host;
  const origin = req.headers.origin;
  const loopbackOnly = LOOPBACK_NAMES.has(bindHost);
  if (host === undefined) return forbidden('missing Host header');
  const hostname = hostnameOf(host);
  if (hostname === undefined || (loopbackOnly && !LOOPBACK_NAMES.has(hostname)))
    return forbidden(`Host ${host} is not allowed`);
  if (origin === undefined) return undefined;
  let originUrl: URL;
  try {
    originUrl = new URL(origin);
  } catch {
    return forbidden(`Origin ${origin} is not allowed`);
  }
  const sameHost = originUrl.host === host;
  if (origin === 'null' || (loopbackOnly ? !LOOPBACK_NAMES.has(originUrl.hostname) : !sameHost))
    return forbidden(`Origin ${origin} is not allowed`);
  return undefined;
}

/** Reads and parses a JSON body, refusing it past `maxBytes` (413) or past the nesting limit (400). */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const tooLarge = new AppError({ code: 'PayloadTooLarge', message: `body exceeds ${maxBytes} bytes` });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge;
    chunks.push(chunk);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError({ code: 'BadRequest', message: 'Parse error: body is not valid JSON' });
  }
  if (exceedsDepth(parsed)) throw new AppError({ code: 'BadRequest', message: 'JSON nests too deeply' });
  return parsed;
}

/** Answers with a JSON-RPC error object, status and number taken from the error table. */
export function writeError(res: ServerResponse, error: AppError, id: RpcId | null = null): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = { jsonrpc: '2.0', id, error: { code: rpcCodeOf(error.code), message: error.message } };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  // The rest of an oversized body is never read: drop the connection rather than parse it as a next request.
  if (error.code === 'PayloadTooLarge') headers.connection = 'close';
  res.writeHead(httpStatusOf(error.code), headers);
  res.end(JSON.stringify(body));
}

/** Unknown throwables become a 500 without details; the caller logs the stack. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError({ code: 'Internal', message: 'internal error', cause: error });
}
