// explainListenError: turns a failed bind into a message naming HOST / PORT and what to change.
import { AppError } from '../errors/app-error.js';

export function explainListenError(error: unknown, host: string, port: number): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const say = (message: string) => new AppError({ code: 'Unavailable', message, cause: error });
  switch (code) {
    case 'EADDRINUSE':
      return say(
        `Cannot listen on ${where}: another process already uses PORT=${port} there; stop it or start with another PORT (or --port)`,
      );
    case 'EACCES':
      return say(
        `Cannot listen on ${where}: this user may not bind PORT=${port} (ports below 1024 need privileges); choose another PORT (or --port)`,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return say(
        `Cannot listen on ${where}: HOST=${host} is not an address of this machine; use 127.0.0.1, 0.0.0.0 or one of its addresses (or --host)`,
      );
    default:
      return error;
  }
}
