// Runs a PostgreSQL client tool (pg_dump, pg_restore) and fails with its stderr; stdin may be fed from a stream.
import { spawn, spawnSync } from 'node:child_process';
import type { Readable } from 'node:stream';
import { AppError } from '../../errors/app-error.js';

/** Whether `pg_dump` and `pg_restore` are on the PATH (checked once per call; cheap). */
export function pgToolsOnPath(): boolean {
  return ['pg_dump', 'pg_restore'].every(
    (tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0,
  );
}

export interface ToolRun {
  stdout: string;
}

export function runTool(tool: string, args: string[], stdin?: Readable): Promise<ToolRun> {
  const child = spawn(tool, args, { stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  if (stdin !== undefined && child.stdin !== null) {
    // pg_restore stops reading on its first error; the rest of the input is not needed.
    child.stdin.on('error', () => undefined);
    stdin.pipe(child.stdin);
  }
  return new Promise((resolve, reject) => {
    child.once('error', (error) =>
      reject(new AppError({ code: 'Internal', message: `Could not run ${tool}: ${error.message}` })),
    );
    child.once('close', (code) => {
      if (code === 0) resolve({ stdout });
      else
        reject(
          new AppError({
            code: 'Internal',
            message: `${tool} failed (exit ${String(code)}): ${stderr.trim().split('\n').slice(-3).join(' / ')}`,
          }),
        );
    });
  });
}
