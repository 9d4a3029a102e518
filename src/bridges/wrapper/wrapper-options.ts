// Settings of `mcpgateway wrapper`, read from the environment a desktop MCP client gives it.
import { badRequest } from '../../errors/app-error.js';

export interface WrapperOptions {
  /** e.g. http://127.0.0.1:4444/servers/<id>/mcp */
  url: URL;
  /** Extra request headers: the Authorization header when MCP_AUTH is set. */
  headers: Record<string, string>;
  /** Per-request timeout in milliseconds; 0 = none. */
  requestTimeoutMs: number;
}

export const WRAPPER_USAGE = `Usage: mcpgateway wrapper

A stdio MCP server that forwards every message to a gateway's Streamable HTTP endpoint.
Configure it from your MCP client's server entry:

  MCP_SERVER_URL          gateway MCP URL, e.g. http://127.0.0.1:4444/servers/<id>/mcp (required)
  MCP_AUTH                full Authorization header value, e.g. "Bearer <jwt>" (a bare token means Bearer)
  MCP_TOOL_CALL_TIMEOUT   seconds a request may wait for the gateway (default 90; 0 = no limit)

stdout carries JSON-RPC only; logs go to stderr. Exits when stdin closes.
`;

const DEFAULT_TIMEOUT_SECONDS = 90;

export function parseWrapperEnv(env: NodeJS.ProcessEnv): WrapperOptions {
  const raw = env.MCP_SERVER_URL?.trim() ?? '';
  if (raw === '')
    throw badRequest('MCP_SERVER_URL is required (e.g. http://127.0.0.1:4444/servers/<id>/mcp)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest(`MCP_SERVER_URL is not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw badRequest(`MCP_SERVER_URL must be http:// or https://, got ${url.protocol}`);

  const auth = env.MCP_AUTH?.trim() ?? '';
  // The variable holds the whole header value; a bare token (no scheme) can only mean a bearer token.
  const headers: Record<string, string> =
    auth === '' ? {} : { authorization: auth.includes(' ') ? auth : `Bearer ${auth}` };

  const timeoutRaw = env.MCP_TOOL_CALL_TIMEOUT?.trim() ?? '';
  const seconds = timeoutRaw === '' ? DEFAULT_TIMEOUT_SECONDS : Number(timeoutRaw);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 86_400)
    throw badRequest(`MCP_TOOL_CALL_TIMEOUT must be seconds from 0 to 86400, got "${timeoutRaw}"`);
  return { url, headers, requestTimeoutMs: Math.round(seconds * 1000) };
}
