import { readFileSync } from 'node:fs';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { afterAll, describe, expect, it } from 'vitest';
import { StdioProcesses, spawnStdioUpstream } from '../../../../src/federation/stdio/stdio-process.js';
import { groupMembers } from '../../../fixtures/cli/spawn-translate.js';

/** A "server" that starts a grandchild in its own group, reports its env keys, and idles. */
const TREE = [
  process.execPath,
  '-e',
  `require('child_process').spawn('sleep', ['600'], { stdio: 'ignore' });
   process.stdout.write(JSON.stringify({ jsonrpc: '2.0', method: 'env', params: { keys: Object.keys(process.env) } }) + '\\n');
   setInterval(() => {}, 1000);`,
];

const groupGone = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

const pgrpOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
};

const registries: StdioProcesses[] = [];
afterAll(async () => {
  await Promise.all(registries.map((r) => r.reapAll()));
});

describe('stdio upstream processes', () => {
  it('runs the child as leader of its own process group, with only the safe environment', async () => {
    const child = await spawnStdioUpstream(TREE, { EXTRA: 'given' }, { killGraceMs: 200 });
    const first = new Promise<JSONRPCMessage>((resolve) => (child.transport.onmessage = resolve));
    await child.transport.start();
    const message = (await first) as unknown as { params: { keys: string[] } };
    expect(pgrpOf(child.pid)).toBe(child.pid);
    expect(message.params.keys).toContain('EXTRA');
    expect(message.params.keys).toContain('PATH');
    // Whatever secrets the gateway's own environment holds never reach a third-party server.
    for (const key of message.params.keys) expect(key).toMatch(/^(EXTRA|PATH|HOME|LOGNAME|SHELL|TERM|USER)$/);
    await child.stop();
  });

  it('stops the child and its whole process tree', async () => {
    const child = await spawnStdioUpstream(TREE, {}, { killGraceMs: 200 });
    await child.transport.start();
    await expect.poll(() => groupMembers(child.pid).length).toBe(2); // the server and its sleep
    let closed = false;
    child.transport.onclose = () => (closed = true);
    await child.stop();
    expect(groupMembers(child.pid)).toEqual([]); // nothing runs any more (an unreaped zombie may linger)
    expect(closed).toBe(true);
    await expect.poll(() => groupGone(child.pid), { timeout: 5000 }).toBe(true);
  });

  it('bounds live children, reaps one gateway without touching another, and refuses new ones once closed', async () => {
    const registry = new StdioProcesses({ maxChildren: 2, killGraceMs: 200 });
    registries.push(registry);
    const a = await registry.spawn('gw-a', TREE);
    const b = await registry.spawn('gw-b', TREE);
    await expect(registry.spawn('gw-a', TREE)).rejects.toMatchObject({
      code: 'Unavailable',
      message: expect.stringMatching(/too many stdio upstream processes \(2 running\)/),
    });
    expect(await registry.reap('gw-a')).toBe(1);
    expect(groupMembers(a.pid)).toEqual([]);
    expect(groupMembers(b.pid)).not.toEqual([]);
    expect(registry.size).toBe(1);
    await registry.reapAll();
    expect(groupMembers(b.pid)).toEqual([]);
    await expect.poll(() => groupGone(a.pid) && groupGone(b.pid), { timeout: 5000 }).toBe(true);
    await expect(registry.spawn('gw-c', TREE)).rejects.toMatchObject({ code: 'Unavailable' });
  });

  it('fails to spawn a missing executable with the reason', async () => {
    await expect(spawnStdioUpstream(['/nonexistent/server'])).rejects.toThrow(/ENOENT/);
  });
});
