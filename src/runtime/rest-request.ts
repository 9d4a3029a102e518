// buildRestRequest: turns a REST tool spec and validated arguments into the URL, method, headers and body to send.
import { invalid, isAppError } from '../errors/app-error.js';
import type { UpstreamAuth } from './credentials.js';
import type { RestMethod, RestToolSpec } from './rest-tool-spec.js';

export interface RestRequest {
  url: URL;
  method: RestMethod;
  headers: Record<string, string>;
  body?: string;
}

const TEMPLATE_PARAM = /\{(\w+)\}/g;
// Framing headers belong to the client that sends the bytes, never to tool configuration.
const DROPPED_HEADERS = new Set([
  'connection',
  'content-length',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function scalarText(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalid(`Invalid arguments: URL parameter "${name}" must be a string, number or boolean`);
}

/** Fills `{param}` placeholders (URL-encoded) and returns the arguments that were not consumed. */
function fillTemplate(template: string, args: Map<string, unknown>): string {
  return template.replace(TEMPLATE_PARAM, (_match, name: string) => {
    if (!args.has(name)) throw invalid(`Invalid arguments: missing URL parameter "${name}"`);
    const text = encodeURIComponent(scalarText(name, args.get(name)));
    args.delete(name);
    return text;
  });
}

function queryValues(value: unknown): string[] {
  if (value === undefined) return [];
  if (value === null) return [''];
  if (Array.isArray(value)) return value.flatMap(queryValues);
  // Numbers and booleans print the same in JSON; objects go as JSON text.
  return typeof value === 'string' ? [value] : [JSON.stringify(value)];
}

/** The headers a stored credential becomes (REST tools here; federated gateways reuse it). */
export function authHeaders(auth: UpstreamAuth | null | undefined): Array<[string, string]> {
  if (!auth) return [];
  switch (auth.type) {
    case 'basic':
      return [
        ['Authorization', `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`],
      ];
    case 'bearer':
      return [['Authorization', `Bearer ${auth.token}`]];
    case 'authheaders':
      return Object.entries(auth.headers);
  }
}

export function buildRestRequest(spec: RestToolSpec, args: Record<string, unknown>): RestRequest {
  const remaining = new Map(Object.entries(args));
  let url: URL;
  try {
    url = new URL(fillTemplate(spec.url, remaining));
  } catch (error) {
    if (isAppError(error)) throw error;
    throw invalid(`Tool ${spec.name} has an invalid URL after filling its parameters`);
  }
  // Credentials in the URL become a header: undici does not send userinfo.
  const urlAuth: Array<[string, string]> =
    url.username === ''
      ? []
      : authHeaders({
          type: 'basic',
          username: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
        });
  url.username = '';
  url.password = '';

  // Keyed by lower-cased name so auth replaces a static header of the same name whatever its case.
  const headers = new Map<string, [string, string]>();
  const put = ([name, value]: [string, string]): void => {
    if (!DROPPED_HEADERS.has(name.toLowerCase())) headers.set(name.toLowerCase(), [name, value]);
  };
  put(['Accept', 'application/json, */*;q=0.5']);
  put(['User-Agent', 'mcpgateway']);
  Object.entries(spec.headers).forEach(put);
  urlAuth.forEach(put);
  authHeaders(spec.auth).forEach(put);

  let body: string | undefined;
  if (spec.requestType === 'GET' || spec.requestType === 'DELETE') {
    for (const [name, value] of remaining) {
      for (const text of queryValues(value)) url.searchParams.append(name, text);
    }
  } else {
    body = JSON.stringify(Object.fromEntries(remaining));
    if (!headers.has('content-type')) put(['Content-Type', 'application/json']);
  }
  return {
    url,
    method: spec.requestType,
    headers: Object.fromEntries([...headers.values()]),
    ...(body === undefined ? {} : { body }),
  };
}
