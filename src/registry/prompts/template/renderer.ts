// TemplateRenderer: renders prompt templates in child processes, so a hostile template costs a process, never the gateway.
import { fileURLToPath } from 'node:url';
import { AppError, invalid } from '../../../errors/app-error.js';
import { createRenderPool, RenderFailure } from './render-pool.js';
import { toTemplateData } from './template-data.js';
import { RENDER_HEAP_MB } from './template-limits.js';

export interface TemplateRenderer {
  render(template: string, args: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export interface TemplateRendererOptions {
  timeoutMs: number;
  maxOutputBytes: number;
  /** Render processes running at once (default 2). Named for the worker threads this once used. */
  maxThreads?: number;
}

/**
 * The child checks its own deadline and answers cleanly; it is killed this much later only when a single engine
 * call (one huge join, say) runs past the deadline without returning to the interpreter. Both clocks start when
 * a ready child takes the render, so queueing or a child still starting up never times a template out.
 */
const HARD_KILL_GRACE_MS = 250;

/**
 * Next to this module: `.js` in dist/; `.ts` under vitest, where the child loads TypeScript through tsx.
 * The heap flag is what turns a runaway template into a dead child instead of a dead gateway.
 */
function childEntry(): { modulePath: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './render-process.ts' : './render-process.js', import.meta.url);
  const heap = [`--max-old-space-size=${RENDER_HEAP_MB}`];
  return { modulePath: fileURLToPath(url), execArgv: fromSource ? ['--import', 'tsx', ...heap] : heap };
}

function toAppError(err: unknown, opts: TemplateRendererOptions): AppError {
  if (!(err instanceof RenderFailure)) {
    return invalid(`Template rendering failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  switch (err.kind) {
    case 'timeout':
      return invalid(`Template rendering took longer than ${opts.timeoutMs} ms and was stopped`);
    case 'memory':
      return invalid(`Template rendering needed more than ${RENDER_HEAP_MB} MB of memory and was stopped`);
    case 'busy':
      return new AppError({
        code: 'Unavailable',
        message: 'Too many prompts are rendering at once; retry shortly',
      });
    case 'closed':
      return new AppError({ code: 'Unavailable', message: 'The template renderer is shut down' });
    case 'crash':
      return invalid(`Template rendering failed: ${err.message}`);
  }
}

export function createTemplateRenderer(opts: TemplateRendererOptions): TemplateRenderer {
  const size = Math.max(1, opts.maxThreads ?? 2);
  const pool = createRenderPool({
    ...childEntry(),
    size,
    maxQueue: 32 * size,
    hardTimeoutMs: opts.timeoutMs + HARD_KILL_GRACE_MS,
  });

  return {
    async render(template, args) {
      let data: Record<string, unknown>;
      try {
        data = toTemplateData(args);
      } catch (err) {
        throw invalid(err instanceof Error ? err.message : String(err));
      }
      const request = {
        template,
        args: data,
        timeoutMs: opts.timeoutMs,
        maxOutputBytes: opts.maxOutputBytes,
      };
      const outcome = await pool.run(request).catch((err: unknown) => {
        throw toAppError(err, opts);
      });
      if (!outcome.ok) throw invalid(outcome.message);
      return outcome.text;
    },
    close: () => pool.close(),
  };
}
