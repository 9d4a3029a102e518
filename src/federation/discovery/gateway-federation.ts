// GatewayFederation: what the gateways registry asks of federation (target checks, discovery, releasing upstream resources).
import type { Config } from '../../config/load.js';
import { invalid } from '../../errors/app-error.js';
import type { GatewayAuth } from '../../runtime/credentials.js';
import type { HttpClient } from '../../runtime/http-client.js';
import type { ClientCredentialsTokens } from '../client-credentials.js';
import type { StdioProcesses } from '../stdio/stdio-process.js';
import type { UpstreamSpec, UpstreamTransport } from '../upstream-spec.js';
import { discoverUpstream, type Discovery } from './discover.js';

export interface GatewayTarget {
  transport: UpstreamTransport;
  url: string;
  command: readonly string[] | null;
  auth: GatewayAuth | null;
}

export interface GatewayFederation {
  /** GATEWAY_TOOL_NAME_SEPARATOR. */
  readonly separator: string;
  /**
   * Refuses, before anything is stored or contacted, a target the settings forbid: a URL (or OAuth token URL)
   * the SSRF guard blocks, a STDIO gateway when STDIO_ALLOWED_COMMANDS does not list its executable.
   */
  checkTarget(target: GatewayTarget): void;
  /** Connects and lists everything (no writes); UpstreamFailed (502) says what failed. */
  discover(spec: UpstreamSpec): Promise<Discovery>;
  /** Stops what runs for the gateway (stdio children, pooled sessions): on delete, disable and re-target. */
  release(gatewayId: string): Promise<void>;
  /** Lets other federation parts (the forwarder's pool, the health checker) drop their state on release. */
  onRelease(hook: (gatewayId: string) => Promise<void>): void;
}

export interface GatewayFederationDeps {
  config: Pick<Config, 'stdioAllowedCommands' | 'gatewayToolNameSeparator'>;
  http: HttpClient;
  stdio: StdioProcesses;
  oauth: ClientCredentialsTokens;
}

export function createGatewayFederation(deps: GatewayFederationDeps): GatewayFederation {
  const hooks: Array<(gatewayId: string) => Promise<void>> = [];
  const allowed = deps.config.stdioAllowedCommands;

  const checkCommand = (command: readonly string[] | null) => {
    if (allowed.length === 0)
      throw invalid(
        'STDIO gateways are disabled: set STDIO_ALLOWED_COMMANDS to the comma-separated executables the gateway may run (e.g. npx,uvx)',
        { field: 'transport' },
      );
    const executable = command?.[0];
    if (executable === undefined || executable === '')
      throw invalid('command: a STDIO gateway needs command, an argv array such as ["npx", "-y", "server"]', {
        field: 'command',
      });
    // Exact match: "npx" allows a PATH lookup of npx, "/usr/bin/node" only that file.
    if (!allowed.includes(executable))
      throw invalid(
        `command: "${executable}" is not in STDIO_ALLOWED_COMMANDS (allowed: ${allowed.join(', ')})`,
        { field: 'command' },
      );
  };

  return {
    separator: deps.config.gatewayToolNameSeparator,
    checkTarget(target) {
      if (target.transport === 'STDIO') checkCommand(target.command);
      else deps.http.guard.checkUrl(target.url);
      if (target.auth?.type === 'oauth') deps.http.guard.checkUrl(target.auth.tokenUrl);
    },
    discover: (spec) => discoverUpstream(spec, deps),
    async release(gatewayId) {
      await Promise.allSettled([deps.stdio.reap(gatewayId), ...hooks.map((hook) => hook(gatewayId))]);
    },
    onRelease(hook) {
      hooks.push(hook);
    },
  };
}
