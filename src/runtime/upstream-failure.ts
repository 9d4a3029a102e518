// describeUpstreamFailure: one sentence saying why an outbound request failed, for an isError tool result.
import { isAppError } from '../errors/app-error.js';

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT|UNABLE_TO_)/;

/** The first error code found on the error, its cause chain, or an AggregateError's members (happy eyeballs). */
function errorCode(error: unknown, seen = 0): string | undefined {
  if (seen > 5 || error === null || typeof error !== 'object') return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  if (Array.isArray(errors)) {
    for (const member of errors) {
      const found = errorCode(member, seen + 1);
      if (found !== undefined) return found;
    }
  }
  return errorCode(cause, seen + 1);
}

function findAppError(error: unknown, seen = 0): Error | undefined {
  if (isAppError(error)) return error;
  if (seen > 5 || !(error instanceof Error)) return undefined;
  return findAppError(error.cause, seen + 1);
}

export function hostPort(url: URL): string {
  const port =
    url.port !== '' ? url.port : url.protocol === 'https:' || url.protocol === 'wss:' ? '443' : '80';
  return `${url.hostname}:${port}`;
}

export function describeUpstreamFailure(error: unknown, url: URL): string {
  const blocked = findAppError(error);
  if (blocked !== undefined) return blocked.message; // SSRF guard: says which rule and which setting
  const where = hostPort(url);
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused to ${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NODATA':
      return `could not resolve host ${url.hostname} (${code})`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return `connection to ${where} was closed by the upstream before a complete response`;
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return `connecting to ${where} timed out`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} is unreachable (${code})`;
    case 'UND_ERR_HEADERS_OVERFLOW':
      return `the upstream at ${where} sent response headers that are too large`;
    case 'UND_ERR_INVALID_ARG':
      return `the request to ${where} could not be built: ${message}`;
  }
  if (code !== undefined && TLS_CODE.test(code)) return `TLS error talking to ${where}: ${message}`;
  return `request to ${where} failed: ${message}${code === undefined ? '' : ` (${code})`}`;
}
