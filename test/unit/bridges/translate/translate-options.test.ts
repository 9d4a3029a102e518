// `mcpgateway translate` arguments: defaults as ContextForge, bounds, and refusals that name the flag.
import { describe, expect, it } from 'vitest';
import { parseTranslateArgs } from '../../../../src/bridges/translate/translate-options.js';

describe('parseTranslateArgs', () => {
  it('takes the documented flags', () => {
    const options = parseTranslateArgs([
      '--stdio',
      'uvx mcp-server-git',
      '--expose-sse',
      '--expose-streamable-http',
      '--port',
      '9000',
      '--host',
      '0.0.0.0',
      '--keep-alive',
      '15',
    ]);
    expect(options).toMatchObject({
      command: 'uvx mcp-server-git',
      exposeSse: true,
      exposeStreamableHttp: true,
      port: 9000,
      host: '0.0.0.0',
      keepAliveSeconds: 15,
    });
  });

  it('defaults to SSE only on 127.0.0.1:8000 when no transport is named', () => {
    expect(parseTranslateArgs(['--stdio', 'x'])).toMatchObject({
      exposeSse: true,
      exposeStreamableHttp: false,
      host: '127.0.0.1',
      port: 8000,
      maxSessions: 100,
    });
    expect(parseTranslateArgs(['--stdio', 'x', '--expose-streamable-http'])).toMatchObject({
      exposeSse: false,
    });
  });

  it('answers --help, and refuses a missing command, unknown flags and bad numbers', () => {
    expect(parseTranslateArgs(['--help'])).toBe('help');
    expect(() => parseTranslateArgs([])).toThrow(/--stdio "CMD" is required/);
    expect(() => parseTranslateArgs(['--stdio', 'x', '--bogus'])).toThrow(/bogus/);
    expect(() => parseTranslateArgs(['--stdio', 'x', '--port', '70000'])).toThrow(
      /--port must be an integer/,
    );
    expect(() => parseTranslateArgs(['--stdio', 'x', '--max-sessions', '0'])).toThrow(/--max-sessions/);
  });
});
