// describeConnectFailure: one sentence saying why connecting to an upstream MCP server failed (refused, HTTP 401, not MCP, timeout…).
import { SdkError, SdkErrorCode, SdkHttpError, SseError } from '@modelcontextprotocol/client';
import { isAppError } from '../errors/app-error.js';
import { describeUpstreamFailure } from '../runtime/upstream-failure.js';

const NETWORK_CODE = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/;

function httpStatusText(status: number): string {
  if (status === 401 || status === 403)
    return `HTTP ${status} from upstream (check the gateway's auth settings)`;
  if (status === 404 || status === 405)
    return `HTTP ${status} from upstream (not an MCP endpoint: check the URL path and the transport)`;
  return `HTTP ${status} from upstream`;
}

/** Walks error causes (at most a few) to the first one matching `pick`. */
function findCause<T>(error: unknown, pick: (e: unknown) => T | undefined): T | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth += 1) {
    const found = pick(current);
    if (found !== undefined) return found;
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}

/**
 * The reason only (the caller names the gateway). `url` is undefined for stdio gateways, whose failures are
 * described by the child's exit and stderr instead.
 */
export function describeConnectFailure(error: unknown, url: URL | undefined, timeoutMs: number): string {
  const app = findCause(error, (e) => (isAppError(e) ? e : undefined));
  if (app !== undefined) return app.message;
  if (SdkHttpError.isInstance(error)) return httpStatusText(error.status);
  if (SseError.isInstance(error)) {
    if (typeof error.code === 'number') return httpStatusText(error.code);
    const network = NETWORK_CODE.exec(error.message)?.[1];
    if (network !== undefined && url !== undefined)
      return describeUpstreamFailure(Object.assign(new Error(error.message), { code: network }), url);
    if (/content type/i.test(error.message))
      return 'not an MCP server: the SSE endpoint did not answer with text/event-stream';
    return error.message;
  }
  if (SdkError.isInstance(error)) {
    switch (error.code) {
      case SdkErrorCode.RequestTimeout:
        return `timed out after ${timeoutMs} ms waiting for the upstream to answer`;
      case SdkErrorCode.ClientHttpUnexpectedContent: {
        const type = (error.data as { contentType?: unknown } | undefined)?.contentType;
        return `not an MCP server: it answered with content-type ${typeof type === 'string' ? type : 'unknown'}`;
      }
      case SdkErrorCode.ConnectionClosed:
        return 'the upstream closed the connection during the handshake';
      default:
        return error.message;
    }
  }
  if (url !== undefined && error instanceof Error && (error.cause !== undefined || 'code' in error))
    return describeUpstreamFailure(error, url);
  return error instanceof Error ? error.message : String(error);
}
