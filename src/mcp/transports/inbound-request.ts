// InboundRequest: what every MCP HTTP handler starts from once the guards passed: the raw request/response, who, and which scope.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../../auth/principal.js';
import type { CatalogScope } from '../catalog.js';

export interface InboundRequest {
  req: IncomingMessage;
  res: ServerResponse;
  principal: Principal;
  scope: CatalogScope;
}

/** Whether the Accept header admits `type` (a missing header admits nothing in particular). */
export function accepts(req: IncomingMessage, type: 'application/json' | 'text/event-stream'): boolean {
  const accept = req.headers.accept?.toLowerCase();
  if (accept === undefined) return false;
  const [major] = type.split('/');
  return accept.includes(type) || accept.includes('*/*') || accept.includes(`${major}/*`);
}
