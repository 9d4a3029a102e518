// StdioChild against real processes: framing of what they print, and reaping of their whole process group.
import { describe, expect, it, vi } from 'vitest';
import type { RpcMessage } from '../../../../src/lib/rpc-message.js';
import { StdioChild, type StdioChildOptions } from '../../../../src/federation/stdio/stdio-child.js';
import { groupMembers } from '../../../fixtures/cli/spawn-translate.js';

function start(argv: string[], extra: Partial<StdioChildOptions> = {}) {
  const messages: RpcMessage[] = [];
  const logs: string[] = [];
  const child = StdioChild.spawn({
    argv,
    cwd: process.cwd(),
    env: process.env,
    onMessage: (m) => messages.push(m),
    onStderr: () => undefined,
    log: (line) => logs.push(line),
    ...extra,
  });
  return { child, messages, logs };
}

const node = (script: string) => [process.execPath, '-e', script];

describe('StdioChild', () => {
  it('exchanges newline-delimited JSON-RPC with the child', async () => {
    const { child, messages } = start(node(`process.stdin.on('data', (d) => process.stdout.write(d))`));
    const proc = await child;
    proc.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    proc.send({ jsonrpc: '2.0', method: 'notifications/x', params: { text: 'line\nbreak' } });
    await vi.waitFor(() => expect(messages).toHaveLength(2));
    expect(messages[1]).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/x',
      params: { text: 'line\nbreak' },
    });
    await proc.stop();
  });

  it('reassembles split writes and drops non-JSON and oversized lines, saying why', async () => {
    const script = `
      process.stdout.write('{"jsonrpc":"2.0","met');
      setTimeout(() => process.stdout.write('hod":"a"}\\nnot json\\n' + 'x'.repeat(5000) + '\\n{"jsonrpc":"2.0","method":"b"}\\n'), 20);`;
    const { child, messages, logs } = start(node(script), { maxLineBytes: 1000 });
    const proc = await child;
    expect((await proc.exited).code).toBe(0);
    expect(messages.map((m) => ('method' in m ? m.method : ''))).toEqual(['a', 'b']);
    expect(logs.join('\n')).toMatch(/non-JSON line: not json/);
    expect(logs.join('\n')).toMatch(/oversized message/);
  });

  it('reports how the child ended', async () => {
    const proc = await start(node('process.exit(3)')).child;
    expect(await proc.exited).toEqual({ code: 3, signal: null });
  });

  it('rejects a command that cannot be started', async () => {
    await expect(start(['no-such-binary-for-translate']).child).rejects.toThrow(
      /cannot start no-such-binary/,
    );
  });

  it('stop() reaps the whole process group, SIGKILLing what ignores SIGTERM', async () => {
    // A grandchild in the group, and both ignore SIGTERM: only the escalation ends them.
    const proc = await start(['sh', '-c', 'trap "" TERM; sleep 300 & sleep 301; wait'], { killGraceMs: 100 })
      .child;
    await vi.waitFor(() => expect(groupMembers(proc.pid).length).toBe(3));
    const exit = await proc.stop();
    expect(exit.signal).toBe('SIGKILL');
    await vi.waitFor(() => expect(groupMembers(proc.pid)).toEqual([]), { timeout: 10_000, interval: 50 });
  });
});
