// What `mcpgateway wrapper` accepts from its environment, and what it refuses with a message.
import { describe, expect, it } from 'vitest';
import { parseWrapperEnv } from '../../../../src/bridges/wrapper/wrapper-options.js';

describe('parseWrapperEnv', () => {
  it('reads the URL, the full Authorization value and the timeout in seconds', () => {
    const options = parseWrapperEnv({
      MCP_SERVER_URL: 'http://127.0.0.1:4444/servers/abc/mcp',
      MCP_AUTH: 'Bearer xyz',
      MCP_TOOL_CALL_TIMEOUT: '12.5',
    });
    expect(options.url.href).toBe('http://127.0.0.1:4444/servers/abc/mcp');
    expect(options.headers).toEqual({ authorization: 'Bearer xyz' });
    expect(options.requestTimeoutMs).toBe(12_500);
  });

  it('defaults to no auth header and a 90 s timeout; a bare token means Bearer', () => {
    expect(parseWrapperEnv({ MCP_SERVER_URL: 'https://gw.example/mcp' })).toMatchObject({
      headers: {},
      requestTimeoutMs: 90_000,
    });
    expect(parseWrapperEnv({ MCP_SERVER_URL: 'https://gw.example/mcp', MCP_AUTH: 'abc' }).headers).toEqual({
      authorization: 'Bearer abc',
    });
  });

  it('refuses a missing or non-HTTP URL and a nonsense timeout, naming the variable', () => {
    expect(() => parseWrapperEnv({})).toThrow(/MCP_SERVER_URL is required/);
    expect(() => parseWrapperEnv({ MCP_SERVER_URL: 'file:///etc/passwd' })).toThrow(
      /MCP_SERVER_URL must be http/,
    );
    expect(() => parseWrapperEnv({ MCP_SERVER_URL: 'not a url' })).toThrow(/MCP_SERVER_URL is not a URL/);
    expect(() => parseWrapperEnv({ MCP_SERVER_URL: 'http://h/mcp', MCP_TOOL_CALL_TIMEOUT: 'soon' })).toThrow(
      /MCP_TOOL_CALL_TIMEOUT/,
    );
  });
});
