// Runs the mcpgateway CLI from source in a child process (real argv, env, cwd, signals).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ENTRY = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url));
const execFileAsync = promisify(execFile);
/** tsx resolved from this repository, since the child runs in a scratch directory without node_modules. */
const TSX = import.meta.resolve('tsx');

/** The environment a user's shell would give, minus anything of ours that would leak into the child. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' };
  return { ...env, ...extra };
}

export async function runCli(
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', TSX, ENTRY, ...args], {
      ...opts,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export interface RunningGateway {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `mcpgateway` and resolves once it printed its listening line. */
export function startCli(
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<RunningGateway> {
  const child = spawn(process.execPath, ['--import', TSX, ENTRY, ...args], {
    ...opts,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${err}`)), 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(err);
      if (match) {
        clearTimeout(timer);
        resolve({
          child,
          url: match[1]!,
          stderr: () => err,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}: ${err}`));
    });
  });
}
