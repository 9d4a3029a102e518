// A small pool of render child processes: one render at a time each, killed and replaced on timeout or crash.
import { fork, type ChildProcess } from 'node:child_process';
import type { RenderOutcome } from './render-template.js';
import type { RenderRequest } from './render-process.js';

export type RenderFailureKind = 'timeout' | 'memory' | 'crash' | 'busy' | 'closed';

export class RenderFailure extends Error {
  constructor(
    readonly kind: RenderFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'RenderFailure';
  }
}

export interface RenderPoolOptions {
  /** The child entry module and the Node flags to start it with (heap limit, loader). */
  modulePath: string;
  execArgv: string[];
  size: number;
  maxQueue: number;
  /** Time a render may take once a ready child has it, after which the child is killed. */
  hardTimeoutMs: number;
}

export interface RenderPool {
  run(request: RenderRequest): Promise<RenderOutcome>;
  close(): Promise<void>;
}

interface Job {
  request: RenderRequest;
  resolve: (outcome: RenderOutcome) => void;
  reject: (err: RenderFailure) => void;
}

interface Slot {
  child: ChildProcess;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
  timedOut: boolean;
  /** The start of stderr, where V8 writes "JavaScript heap out of memory". */
  stderr: string;
}

function resultOf(message: unknown): RenderOutcome | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as { type?: unknown; outcome?: unknown };
  return m.type === 'result' ? (m.outcome as RenderOutcome) : undefined;
}

export function createRenderPool(opts: RenderPoolOptions): RenderPool {
  const slots = new Set<Slot>();
  const queue: Job[] = [];
  let closed = false;

  function spawn(): void {
    const child = fork(opts.modulePath, [], {
      execArgv: opts.execArgv,
      // No inherited environment: the gateway's secrets have no business in a process running untrusted templates.
      env: {},
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const slot: Slot = { child, ready: false, timedOut: false, stderr: '' };
    slots.add(slot);
    child.stderr?.on('data', (chunk: Buffer) => {
      if (slot.stderr.length < 2048) slot.stderr += chunk.toString('utf8');
    });
    child.on('message', (message: unknown) => onMessage(slot, message));
    // 'close', not 'exit': it waits for stderr to end, which says whether V8 ran out of heap.
    child.once('close', (code, signal) => onExit(slot, code, signal));
    child.once('error', () => child.kill('SIGKILL'));
    idle(slot);
  }

  /** Between renders a child must not keep the gateway's event loop alive. */
  function idle(slot: Slot): void {
    slot.child.unref();
    slot.child.channel?.unref();
  }

  function onMessage(slot: Slot, message: unknown): void {
    if (!slot.ready) {
      slot.ready = true;
      pump();
      return;
    }
    const outcome = resultOf(message);
    const job = slot.job;
    if (outcome === undefined || job === undefined) return;
    clearTimeout(slot.timer);
    slot.job = undefined;
    idle(slot);
    job.resolve(outcome);
    pump();
  }

  function onExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    slots.delete(slot);
    clearTimeout(slot.timer);
    const job = slot.job;
    if (job !== undefined) job.reject(failureOf(slot, code, signal));
    else if (!slot.ready && !closed) {
      // A child that cannot even start would fail every queued job the same way; do not spin.
      const failure = new RenderFailure(
        'crash',
        `the render process could not start: ${firstLine(slot.stderr)}`,
      );
      queue.splice(0).forEach((j) => j.reject(failure));
    }
    pump();
  }

  function failureOf(slot: Slot, code: number | null, signal: NodeJS.Signals | null): RenderFailure {
    if (closed) return new RenderFailure('closed', 'the template renderer is shut down');
    if (slot.timedOut) return new RenderFailure('timeout', 'killed after its time limit');
    if (slot.stderr.includes('heap out of memory')) return new RenderFailure('memory', 'heap limit reached');
    return new RenderFailure('crash', `the render process exited (${signal ?? `code ${code}`})`);
  }

  function dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    slot.child.ref();
    slot.child.channel?.ref();
    slot.timer = setTimeout(() => {
      slot.timedOut = true;
      slot.child.kill('SIGKILL');
    }, opts.hardTimeoutMs);
    slot.child.send(job.request, (err) => {
      if (err) slot.child.kill('SIGKILL');
    });
  }

  function pump(): void {
    if (closed) return;
    for (const slot of slots) {
      const job = slot.ready && slot.job === undefined && slot.child.connected ? queue.shift() : undefined;
      if (job !== undefined) dispatch(slot, job);
    }
    const starting = [...slots].filter((s) => !s.ready).length;
    const wanted = Math.min(queue.length - starting, opts.size - slots.size);
    for (let i = 0; i < wanted; i++) spawn();
  }

  return {
    run(request) {
      return new Promise<RenderOutcome>((resolve, reject) => {
        if (closed) return reject(new RenderFailure('closed', 'the template renderer is shut down'));
        if (queue.length >= opts.maxQueue) return reject(new RenderFailure('busy', 'render queue is full'));
        queue.push({ request, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      queue
        .splice(0)
        .forEach((j) => j.reject(new RenderFailure('closed', 'the template renderer is shut down')));
      const exits: Promise<void>[] = [];
      for (const slot of slots) {
        if (slot.child.exitCode === null && slot.child.signalCode === null) {
          exits.push(new Promise<void>((done) => slot.child.once('close', () => done())));
        }
        slot.child.kill('SIGKILL');
      }
      await Promise.all(exits);
    },
  };
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? 'no output'
  );
}
