// McpCatalog: the port the MCP dispatcher reads tools, resources and prompts through (the registry implements it).
import type {
  CallToolResult,
  ClientCapabilities,
  CompleteRequestParams,
  CompleteResult,
  GetPromptResult,
  LoggingLevel,
  ProgressToken,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplateType as ResourceTemplate,
  Tool,
} from '@modelcontextprotocol/server';
import type { Principal } from '../auth/principal.js';

/**
 * Which entities a request sees. `serverId` undefined: every enabled entity (`/mcp`, `/sse`, `/ws`);
 * otherwise exactly the enabled entities associated with that virtual server. Every method throws
 * AppError NotFound for an unknown or disabled server id.
 */
export interface CatalogScope {
  readonly serverId?: string;
}

/** What a virtual server (or the global endpoint) tells clients about itself at `initialize`. */
export interface ScopeInfo {
  /** Shown as `serverInfo.name`; the gateway's own name when undefined. */
  name?: string;
  instructions?: string;
}

/** A notification the catalog sends while serving a call (delivered before the call's result). */
export interface CatalogNotification {
  method: string;
  params?: Record<string, unknown>;
}

/** A request to the calling client, relayed from an upstream (sampling, elicitation, roots). */
export interface CatalogClientRequest {
  method: 'sampling/createMessage' | 'elicitation/create' | 'roots/list';
  params?: Record<string, unknown>;
}

export interface CallContext {
  /** Aborted when the client cancels (notifications/cancelled, closed connection) or the session ends. */
  readonly signal: AbortSignal;
  readonly principal: Principal;
  /** The MCP session, when the transport has one (not on /rpc or the stateless 2026-07-28 revision). */
  readonly sessionId?: string;
  /**
   * Aborted when the session itself ends (DELETE, expiry, closed stream, shutdown), not when one call does:
   * per-session state kept outside the call (a federated upstream session) is released on it.
   */
  readonly sessionClosed?: AbortSignal;
  /**
   * The client's X-Upstream-Authorization header (the one sent with `initialize` for a session): sent upstream
   * as Authorization, only to gateways with passthrough_auth. The client's own Authorization never is.
   */
  readonly upstreamAuthorization?: string;
  /** The client's `_meta.progressToken`, to be echoed in `notifications/progress`. */
  readonly progressToken?: ProgressToken;
  /** The request's `params._meta` as the client sent it (a federated call passes it on upstream). */
  readonly meta?: Readonly<Record<string, unknown>>;
  readonly clientCapabilities: ClientCapabilities;
  /** The level the client asked for; `notifications/message` below it are dropped by the gateway. */
  readonly logLevel?: LoggingLevel;
  sendNotification(notification: CatalogNotification): Promise<void>;
  /**
   * Sends a request to the client and resolves with its result. Rejects with AppError Unavailable on
   * transports that cannot carry server-to-client requests (/rpc, stateless HTTP).
   */
  sendRequest(
    request: CatalogClientRequest,
    opts?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<unknown>;
}

export type CompletionRef = CompleteRequestParams['ref'];
export type Completion = CompleteResult['completion'];

export type CatalogEvent =
  | {
      type: 'tools_list_changed' | 'resources_list_changed' | 'prompts_list_changed';
      /** The virtual servers whose view changed, or 'all' (a change visible everywhere, e.g. a tool edit). */
      serverIds: 'all' | readonly string[];
    }
  | { type: 'resource_updated'; uri: string };

/**
 * Lists return every matching entity: the dispatcher sorts and pages them with opaque cursors.
 * Lookups by name or URI throw AppError NotFound for entities outside the scope.
 */
export interface McpCatalog {
  describeScope(scope: CatalogScope): Promise<ScopeInfo>;
  listTools(scope: CatalogScope): Promise<Tool[]>;
  callTool(
    scope: CatalogScope,
    name: string,
    args: Record<string, unknown>,
    ctx: CallContext,
  ): Promise<CallToolResult>;
  listResources(scope: CatalogScope): Promise<Resource[]>;
  listResourceTemplates(scope: CatalogScope): Promise<ResourceTemplate[]>;
  readResource(scope: CatalogScope, uri: string, ctx: CallContext): Promise<ReadResourceResult>;
  listPrompts(scope: CatalogScope): Promise<Prompt[]>;
  getPrompt(
    scope: CatalogScope,
    name: string,
    args: Record<string, string>,
    ctx: CallContext,
  ): Promise<GetPromptResult>;
  /** Completion values for a prompt argument or a resource template variable. */
  complete(
    scope: CatalogScope,
    ref: CompletionRef,
    argument: { name: string; value: string },
    context: { arguments?: Record<string, string> },
    ctx?: CallContext,
  ): Promise<Completion>;
  /**
   * A session subscribed to (`subscribed` true) or unsubscribed from `uri`, after the session recorded it. A
   * federated resource's upstream is asked for its updates, which come back as `resource_updated` events.
   * Optional; a failure upstream does not fail the client's subscription.
   */
  watchResource?(scope: CatalogScope, uri: string, subscribed: boolean, ctx: CallContext): Promise<void>;
  /** The client of session `sessionId` set its log level (relayed to its upstream sessions that log). */
  clientLogLevelChanged?(sessionId: string, level: LoggingLevel): void;
  /** The client of session `sessionId` sent notifications/roots/list_changed (relayed to its upstream sessions). */
  clientRootsChanged?(sessionId: string): void;
  /** Registers a listener for registry changes; returns the function that removes it. */
  subscribe(listener: (event: CatalogEvent) => void): () => void;
}
