// Entry of a render child process: renders one template per message under its own heap limit.
import { renderTemplate } from './render-template.js';

/** What the parent sends; the child sets its own deadline when the request arrives. */
export interface RenderRequest {
  template: string;
  args: Record<string, unknown>;
  timeoutMs: number;
  maxOutputBytes: number;
}

function isRenderRequest(message: unknown): message is RenderRequest {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  return (
    typeof m.template === 'string' &&
    typeof m.args === 'object' &&
    m.args !== null &&
    typeof m.timeoutMs === 'number' &&
    typeof m.maxOutputBytes === 'number'
  );
}

const send = process.send?.bind(process);
if (send === undefined) {
  // Started by hand rather than forked by the render pool: nothing to serve.
  process.exitCode = 1;
} else {
  process.on('message', (message: unknown) => {
    if (!isRenderRequest(message)) return;
    const { timeoutMs, maxOutputBytes } = message;
    const outcome = renderTemplate(message.template, message.args, {
      deadline: Date.now() + timeoutMs,
      timeoutMs,
      maxOutputBytes,
    });
    send({ type: 'result', outcome });
  });
  // The parent disconnecting (gateway exit) ends this process instead of leaving it orphaned.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}
