// `mcpgateway sessions list|purge`: what an operator sees and removes of the stored sessions, on every backend that stores them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DatabaseSessionStore } from '../../../src/cache/database-session-store.js';
import { RedisSessionStore } from '../../../src/cache/redis-session-store.js';
import type { SessionStore } from '../../../src/cache/session-store.js';
import { parseDuration, run } from '../../../src/cli/sessions.js';
import { backends as sqlBackends } from '../../helpers/backends.js';

const cwd = mkdtempSync(join(tmpdir(), 'mcpgw-sessions-cli-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function cli(argv: string[], env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env, cwd });
  return { code, stdout, stderr };
}

interface Target {
  name: string;
  skip?: string;
  /** The CLI's environment and a store writing where it reads. */
  open(): Promise<{ env: NodeJS.ProcessEnv; sessions: SessionStore; dispose(): Promise<void> }>;
}

// A Redis database of its own: the CLI uses the default key prefix, and --all must not reach other suites' keys.
const redisUrl = inject('redisUrl');
const redisTarget: Target = {
  name: 'redis',
  skip: redisUrl === '' ? 'no Redis reachable' : undefined,
  open() {
    const url = redisUrl.replace(/\/\d*$/, '') + '/13';
    const sessions = new RedisSessionStore({ url, ttlSeconds: 3600 });
    return Promise.resolve({
      env: { CACHE_TYPE: 'redis', REDIS_URL: url },
      sessions,
      dispose: () => sessions.close(),
    });
  },
};

const targets: Target[] = [
  ...sqlBackends().map((sql) => ({
    name: `database on ${sql.name}`,
    async open() {
      const t = await sql.open();
      return {
        env: { CACHE_TYPE: 'database', DATABASE_URL: t.url },
        sessions: new DatabaseSessionStore({ store: t.store, ttlSeconds: 3600 }),
        dispose: () => t.dispose(),
      };
    },
  })),
  redisTarget,
];

describe.each(targets)('mcpgateway sessions ($name)', (target) => {
  if (target.skip !== undefined) {
    it.skip(`skipped: ${target.skip}`, () => undefined);
    return;
  }
  let opened: Awaited<ReturnType<Target['open']>>;
  beforeAll(async () => {
    opened = await target.open();
    await opened.sessions.purge();
  });
  afterAll(async () => {
    await opened.dispose();
  });

  it('lists stored sessions with subject, server, transport and times, as a table and as JSON', async () => {
    const a = await opened.sessions.create({
      subject: 'alice@example.com',
      serverId: 's1',
      transport: 'sse',
    });
    const b = await opened.sessions.create({ subject: 'bob', serverId: null, transport: 'streamable-http' });
    const shown = await cli(['list'], opened.env);
    expect(shown.code).toBe(0);
    const lines = shown.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+SUBJECT\s+SERVER\s+TRANSPORT\s+CREATED\s+LAST USED$/);
    expect(lines.slice(1).join('\n')).toContain(a.id);
    expect(lines.find((l) => l.startsWith(b.id))).toMatch(/bob\s+-\s+streamable-http\s+\d{4}-/);
    const json = await cli(['list', '--json'], opened.env);
    const listed = JSON.parse(json.stdout) as { id: string; subject: string; serverId: string | null }[];
    // Least recently used first; two sessions made in the same millisecond tie, so compare as a set.
    expect(listed.map((s) => [s.id, s.subject, s.serverId])).toEqual(
      expect.arrayContaining([
        [a.id, 'alice@example.com', 's1'],
        [b.id, 'bob', null],
      ]),
    );
    expect(listed).toHaveLength(2);
  });

  it('purges sessions idle longer than --older-than, then all with --all, and says how many', async () => {
    expect((await cli(['purge', '--older-than', '1h'], opened.env)).stdout).toBe('purged 0 sessions\n');
    expect((await cli(['purge', '--all'], opened.env)).stdout).toBe('purged 2 sessions\n');
    expect((await cli(['list'], opened.env)).stdout).toBe('no stored sessions\n');
  });

  it('refuses a purge that names neither --older-than nor --all, or a malformed duration', async () => {
    expect((await cli(['purge'], opened.env)).code).toBe(2);
    const bad = await cli(['purge', '--older-than', 'soon'], opened.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a duration such as 90s, 30m, 2h or 7d');
  });
});

describe('mcpgateway sessions without a shared store', () => {
  it('says CACHE_TYPE=memory keeps sessions in the gateway process, with nothing to list', async () => {
    const out = await cli(['list'], { CACHE_TYPE: 'memory' });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('CACHE_TYPE=memory sessions live in each gateway process');
  });

  it('reads durations in seconds, minutes, hours and days', () => {
    expect([parseDuration('90'), parseDuration('90s'), parseDuration('30m'), parseDuration('2h')]).toEqual([
      90_000, 90_000, 1_800_000, 7_200_000,
    ]);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('1.5h')).toBeNull();
  });
});
