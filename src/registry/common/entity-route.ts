// EntityRoute: where a prompt or resource the MCP layer asked for lives, so a federated one is sent to its gateway.

export interface EntityRoute {
  id: string;
  /** The gateway it was discovered from; null for one registered here (the registry answers it). */
  gatewayId: string | null;
  /** Its name (prompts) or URI (resources) on the upstream. */
  upstreamName: string;
}
