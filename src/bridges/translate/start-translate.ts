// Wires the stdio child, the bridge and the HTTP server together, and ties their lifetimes: one stops, all stop.
import { Bridge } from './bridge.js';
import { splitCommand } from './split-command.js';
import { StdioChild, type ChildExit } from '../../federation/stdio/stdio-child.js';
import type { TranslateOptions } from './translate-options.js';
import { startTranslateServer } from './translate-server.js';

export interface TranslateDeps {
  cwd: string;
  /** The child's environment (the caller's, usually). */
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Where the child's stderr goes (its logs); passed through untouched. */
  onChildStderr: (text: string) => void;
}

export interface TranslateHandle {
  url: string;
  port: number;
  childPid: number;
  /** Resolves with the exit code: 0 after stop(), 1 when the child died on its own. */
  done: Promise<number>;
  stop(): Promise<void>;
  /** Synchronous SIGKILL of the child's process group, for `process.on('exit')`. */
  killNow(): void;
}

const describeExit = (exit: ChildExit): string =>
  exit.signal !== null ? `killed by ${exit.signal}` : `exited with code ${String(exit.code)}`;

export async function startTranslate(
  options: TranslateOptions,
  deps: TranslateDeps,
): Promise<TranslateHandle> {
  const argv = splitCommand(options.command);
  // The bridge and the child each need the other; the child only exists once spawned.
  const link: { child?: StdioChild } = {};
  const bridge = new Bridge({
    sendToChild: (message) => link.child?.send(message),
    log: deps.log,
    maxSessions: options.maxSessions,
    maxPendingPerSession: options.maxPendingPerSession,
  });
  const spawned = await StdioChild.spawn({
    argv,
    cwd: deps.cwd,
    env: deps.env,
    onMessage: (message) => bridge.fromChild(message),
    onStderr: deps.onChildStderr,
    log: deps.log,
  });
  link.child = spawned;

  let server;
  try {
    server = await startTranslateServer({
      bridge,
      host: options.host,
      port: options.port,
      exposeSse: options.exposeSse,
      exposeStreamableHttp: options.exposeStreamableHttp,
      keepAliveMs: options.keepAliveSeconds * 1000,
      maxBodyBytes: options.maxBodyBytes,
      sessionIdleMs: options.sessionIdleSeconds * 1000,
      log: deps.log,
    });
  } catch (error) {
    await spawned.stop();
    throw error;
  }
  const httpServer = server;

  let stopping: Promise<void> | undefined;
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  void spawned.exited.then((exit) => {
    if (stopping !== undefined) return;
    const reason = `stdio server ${describeExit(exit)}`;
    deps.log(reason);
    bridge.childGone(reason);
    spawned.killNow(); // anything it left behind in its group
    stopping = httpServer.close().then(() => resolveDone(1));
  });

  return {
    url: httpServer.url,
    port: httpServer.port,
    childPid: spawned.pid,
    done,
    killNow: () => spawned.killNow(),
    stop() {
      stopping ??= (async () => {
        await httpServer.close();
        await spawned.stop();
        resolveDone(0);
      })();
      return stopping;
    },
  };
}
