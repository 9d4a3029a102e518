// Stdio upstreams: children spawned without a shell in their own process group, an SDK Transport over each, and a registry that reaps them.
import { readdirSync, readFileSync } from 'node:fs';
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import { AppError } from '../../errors/app-error.js';
import type { RpcMessage } from '../../lib/rpc-message.js';
import { StdioChild, type ChildExit } from './stdio-child.js';

export interface StdioSpawnOptions {
  cwd?: string;
  /** Time between SIGTERM and SIGKILL to the process group when stopping. */
  killGraceMs?: number;
  log?: (line: string) => void;
}

/** A running stdio MCP server: its pid (= process group id), an SDK transport over its pipes, and stop(). */
export interface StdioUpstream {
  readonly pid: number;
  readonly transport: Transport;
  readonly exited: Promise<ChildExit>;
  /** The last bytes the child wrote to stderr, to explain a failed start. */
  stderrTail(): string;
  /** SIGTERM to the whole group, SIGKILL after the grace period; resolves once the child is gone. */
  stop(): Promise<void>;
}

const STDERR_TAIL = 2048;

/**
 * Spawns `argv` (no shell) as leader of a new process group. The environment is the SDK's list of variables
 * safe to inherit (PATH, HOME, …) plus `env`: the gateway's own secrets (JWT key, encryption secret, database
 * URL) must never reach a third-party server.
 */
export async function spawnStdioUpstream(
  argv: readonly string[],
  env: Readonly<Record<string, string>> = {},
  opts: StdioSpawnOptions = {},
): Promise<StdioUpstream> {
  let stderr = '';
  let deliver: ((message: JSONRPCMessage) => void) | undefined;
  const early: JSONRPCMessage[] = [];
  const log = opts.log ?? (() => undefined);
  const child = await StdioChild.spawn({
    argv: [...argv],
    cwd: opts.cwd ?? process.cwd(),
    env: { ...getDefaultEnvironment(), ...env },
    // JSON-RPC shapes were checked by the child reader; the SDK validates MCP payloads itself.
    onMessage: (message) => {
      const m = message as unknown as JSONRPCMessage;
      if (deliver === undefined) early.push(m);
      else deliver(m);
    },
    onStderr: (text) => {
      stderr = (stderr + text).slice(-STDERR_TAIL);
    },
    log,
    ...(opts.killGraceMs === undefined ? {} : { killGraceMs: opts.killGraceMs }),
  });

  let closed = false;
  const transport: Transport = {
    start() {
      deliver = (m) => transport.onmessage?.(m);
      for (const m of early.splice(0)) deliver(m);
      return Promise.resolve();
    },
    send(message) {
      if (child.hasExited)
        return Promise.reject(new AppError({ code: 'Unavailable', message: 'the stdio server has exited' }));
      child.send(message as unknown as RpcMessage);
      return Promise.resolve();
    },
    async close() {
      await stopTree(child);
      finish();
    },
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    transport.onclose?.();
  };
  void child.exited.then(finish);

  return {
    pid: child.pid,
    transport,
    exited: child.exited,
    stderrTail: () => stderr.trim(),
    stop: () => stopTree(child),
  };
}

const TREE_WAIT_MS = 2000;

/**
 * Whether a process of the group still runs. On Linux, /proc tells zombies apart: a dead grandchild waits
 * for init to reap it (slow under some container inits) but holds nothing. Elsewhere any member counts.
 */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      // gone while we looked
    }
  }
  return false;
}

/**
 * Stops the child, then waits (bounded) until no process of its group is left, killing stragglers again:
 * a grandchild may outlive the leader for a moment, and callers (delete, disable) promise the tree is gone.
 */
async function stopTree(child: StdioChild): Promise<void> {
  await child.stop();
  const deadline = Date.now() + TREE_WAIT_MS;
  while (groupAlive(child.pid) && Date.now() < deadline) {
    child.killNow();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface StdioProcessesOptions extends StdioSpawnOptions {
  /** Live children across all gateways; one more is refused with 503 (a few dozen idle sessions must not exhaust memory). */
  maxChildren?: number;
}

/** Every live stdio child, by gateway: bounded, and reaped on gateway delete/disable and on shutdown. */
export class StdioProcesses {
  readonly #byGateway = new Map<string, Set<StdioUpstream>>();
  readonly #opts: StdioProcessesOptions;
  #count = 0;
  #closed = false;

  constructor(opts: StdioProcessesOptions = {}) {
    this.#opts = opts;
  }

  get size(): number {
    return this.#count;
  }

  pidsOf(gatewayId: string): number[] {
    return [...(this.#byGateway.get(gatewayId) ?? [])].map((c) => c.pid);
  }

  async spawn(gatewayId: string, argv: readonly string[], env: Readonly<Record<string, string>> = {}) {
    if (this.#closed) throw new AppError({ code: 'Unavailable', message: 'the gateway is shutting down' });
    const max = this.#opts.maxChildren ?? 64;
    if (this.#count >= max)
      throw new AppError({
        code: 'Unavailable',
        message: `too many stdio upstream processes (${max} running): try again when sessions close`,
      });
    this.#count += 1;
    let child: StdioUpstream;
    try {
      child = await spawnStdioUpstream(argv, env, this.#opts);
    } catch (error) {
      this.#count -= 1;
      throw error;
    }
    let set = this.#byGateway.get(gatewayId);
    if (set === undefined) this.#byGateway.set(gatewayId, (set = new Set()));
    set.add(child);
    void child.exited.then(() => {
      if (set.delete(child)) this.#count -= 1;
      if (set.size === 0 && this.#byGateway.get(gatewayId) === set) this.#byGateway.delete(gatewayId);
    });
    return child;
  }

  /** Stops every child of the gateway (and their process groups); resolves when all are gone. */
  async reap(gatewayId: string): Promise<number> {
    const children = [...(this.#byGateway.get(gatewayId) ?? [])];
    await Promise.all(children.map((c) => c.stop()));
    return children.length;
  }

  /** On shutdown: refuses new children and stops all of them. */
  async reapAll(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#byGateway.keys()].map((id) => this.reap(id)));
  }
}
