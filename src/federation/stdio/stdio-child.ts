// One stdio MCP server process in its own process group: newline-delimited JSON-RPC in and out, reaped with its whole tree.
import { spawn, type ChildProcess } from 'node:child_process';
import { AppError } from '../../errors/app-error.js';
import { asRpcMessage, exceedsDepth, type RpcMessage } from '../../lib/rpc-message.js';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StdioChildOptions {
  /** `[command, ...args]`, spawned directly: no shell ever sees it. */
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  onMessage: (message: RpcMessage) => void;
  onStderr: (text: string) => void;
  log: (line: string) => void;
  /** A stdout line longer than this is dropped (the child is not trusted to bound itself). */
  maxLineBytes?: number;
  /** Bytes queued for a child that stops reading its stdin before we give up on it. */
  maxQueuedBytes?: number;
  /** Time between SIGTERM and SIGKILL to the process group on stop. */
  killGraceMs?: number;
}

const MiB = 1024 * 1024;

export class StdioChild {
  readonly pid: number;
  /** Resolves when the child process has exited, however that happened. */
  readonly exited: Promise<ChildExit>;
  private exit: ChildExit | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;

  private constructor(
    private readonly proc: ChildProcess,
    private readonly opts: StdioChildOptions,
  ) {
    this.pid = proc.pid as number;
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      }),
    );
    proc.stdout?.on('data', (chunk: Buffer) => this.onData(chunk));
    proc.stderr?.on('data', (chunk: Buffer) => opts.onStderr(chunk.toString('utf8')));
    // EPIPE after the child died is reported by 'exit'; nothing more to do here.
    proc.stdin?.on('error', (error) => opts.log(`stdio server stdin: ${error.message}`));
  }

  /** Spawns the child as leader of a new process group; rejects when it cannot start (e.g. ENOENT). */
  static spawn(opts: StdioChildOptions): Promise<StdioChild> {
    const [command, ...args] = opts.argv;
    if (command === undefined || command === '')
      return Promise.reject(new AppError({ code: 'BadRequest', message: 'empty stdio command' }));
    const proc = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // own process group, so stop() reaches grandchildren and a terminal's ^C does not
      shell: false,
    });
    return new Promise((resolve, reject) => {
      proc.once('error', (error) =>
        reject(new AppError({ code: 'Unavailable', message: `cannot start ${command}: ${error.message}` })),
      );
      proc.once('spawn', () => resolve(new StdioChild(proc, opts)));
    });
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  send(message: RpcMessage): void {
    const stdin = this.proc.stdin;
    if (this.exit !== undefined || stdin === null || !stdin.writable) return;
    if (stdin.writableLength > (this.opts.maxQueuedBytes ?? 64 * MiB)) {
      this.opts.log('stdio server is not reading its input; stopping it');
      void this.stop();
      return;
    }
    stdin.write(`${JSON.stringify(message)}\n`);
  }

  /** Closes stdin, SIGTERMs the group, SIGKILLs it after the grace period, and always SIGKILLs stragglers. */
  async stop(): Promise<ChildExit> {
    if (this.exit === undefined) {
      this.proc.stdin?.end();
      this.signalGroup('SIGTERM');
      const timer = setTimeout(() => this.signalGroup('SIGKILL'), this.opts.killGraceMs ?? 3000);
      await this.exited;
      clearTimeout(timer);
    }
    this.signalGroup('SIGKILL');
    return this.exited;
  }

  /** Synchronous last resort for `process.on('exit')`, where nothing asynchronous runs any more. */
  killNow(): void {
    this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // ESRCH: the whole group is already gone.
    }
  }

  /** Splits stdout into lines; a line past maxLineBytes is dropped whole, even while it is still arriving. */
  private onData(chunk: Buffer): void {
    const max = this.opts.maxLineBytes ?? 32 * MiB;
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const tooLong = this.discarding || this.pendingBytes + (nl - start) > max;
      if (tooLong && !this.discarding) this.opts.log('dropping an oversized message from the stdio server');
      const line = tooLong
        ? ''
        : Buffer.concat([...this.pending, chunk.subarray(start, nl)]).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
      this.discarding = false;
      start = nl + 1;
      if (!tooLong) this.onLine(line);
    }
    if (start >= chunk.length || this.discarding) return;
    this.pendingBytes += chunk.length - start;
    if (this.pendingBytes > max) {
      this.opts.log('dropping an oversized message from the stdio server');
      this.pending = [];
      this.pendingBytes = 0;
      this.discarding = true;
      return;
    }
    this.pending.push(chunk.subarray(start));
  }

  private onLine(raw: string): void {
    const line = raw.trim();
    if (line === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.opts.log(`stdio server wrote a non-JSON line: ${line.slice(0, 200)}`);
      return;
    }
    const message = exceedsDepth(parsed) ? undefined : asRpcMessage(parsed);
    if (message === undefined)
      this.opts.log(`stdio server wrote a non-JSON-RPC message: ${line.slice(0, 200)}`);
    else this.opts.onMessage(message);
  }
}
