// RestToolSpec: what the runtime needs to call one REST tool (decrypted auth included; never persisted in this shape).
import type { UpstreamAuth } from './credentials.js';

export type RestMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestToolSpec {
  id: string;
  name: string;
  /** Tool version: the compiled input_schema is cached per (id, version). Omitted: keyed by schema content. */
  version?: number;
  /** May hold `{param}` placeholders, filled from (and removed from) the arguments. */
  url: string;
  requestType: RestMethod;
  headers: Record<string, string>;
  inputSchema: unknown;
  outputSchema?: object | null;
  jsonpathFilter?: string | null;
  auth?: UpstreamAuth | null;
  timeoutMs: number;
}
