// `mcpgateway sessions list [--json]` and `sessions purge [--older-than DURATION] [--all]`: the stored MCP sessions of CACHE_TYPE=database or redis.
import { parseArgs } from 'node:util';
import { DatabaseSessionStore } from '../cache/database-session-store.js';
import { RedisSessionStore } from '../cache/redis-session-store.js';
import type { SessionRecord, SessionStore } from '../cache/session-store.js';
import { loadConfig } from '../config/load.js';
import { connectStore } from '../store/connect-store.js';
import type { CliIo } from './io.js';

const USAGE = 'usage: mcpgateway sessions list [--json] | sessions purge (--older-than DURATION | --all)\n';

export async function run(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') return list(rest, io);
  if (sub === 'purge') return purge(rest, io);
  io.stderr(`mcpgateway sessions: name a subcommand\n${USAGE}`);
  return 2;
}

async function list(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true });
  return withSessions(io, async (sessions) => {
    const records = await sessions.list();
    io.stdout(values.json === true ? `${JSON.stringify(records.map(toJson), null, 2)}\n` : table(records));
    return 0;
  });
}

async function purge(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { 'older-than': { type: 'string' }, all: { type: 'boolean' } },
    strict: true,
  });
  const olderThan = values['older-than'];
  // Deleting every session is never a default: the operator says --all, or how idle a session must be.
  if ((olderThan === undefined) === (values.all !== true)) {
    io.stderr(`mcpgateway sessions purge: give exactly one of --older-than DURATION or --all\n${USAGE}`);
    return 2;
  }
  const idleMs = olderThan === undefined ? undefined : parseDuration(olderThan);
  if (idleMs === null) {
    io.stderr(
      `mcpgateway sessions purge: --older-than ${olderThan} is not a duration such as 90s, 30m, 2h or 7d\n`,
    );
    return 2;
  }
  return withSessions(io, async (sessions) => {
    const purged = await sessions.purge(idleMs === undefined ? {} : { lastUsedBefore: Date.now() - idleMs });
    io.stdout(`purged ${purged} session${purged === 1 ? '' : 's'}\n`);
    return 0;
  });
}

/** Opens the backend CACHE_TYPE names, runs `work`, closes it. */
async function withSessions(io: CliIo, work: (sessions: SessionStore) => Promise<number>): Promise<number> {
  const { config } = loadConfig({ env: io.env, cwd: io.cwd });
  const ttlSeconds = config.sessionTtl;
  if (config.cacheType === 'redis') {
    const sessions = new RedisSessionStore({ url: config.redisUrl, ttlSeconds, onError: () => undefined });
    try {
      return await work(sessions);
    } finally {
      await sessions.close();
    }
  }
  if (config.cacheType === 'database') {
    const store = await connectStore(config.databaseUrl, { cwd: io.cwd });
    try {
      return await work(new DatabaseSessionStore({ store, ttlSeconds }));
    } finally {
      await store.close();
    }
  }
  io.stderr(
    `mcpgateway sessions: with CACHE_TYPE=${config.cacheType} sessions live in each gateway process's memory and end with their connection or the process; nothing is stored to list or purge (use CACHE_TYPE=database or redis)\n`,
  );
  return 1;
}

const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "30m", "2h", "7d", or bare seconds, in milliseconds; null when malformed. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (match === null) return null;
  return Number(match[1]) * (UNITS[match[2] || 's'] ?? 1000);
}

function toJson(record: SessionRecord) {
  return {
    id: record.id,
    subject: record.subject,
    serverId: record.serverId,
    transport: record.transport,
    createdAt: new Date(record.createdAt).toISOString(),
    lastUsedAt: new Date(record.lastAccessedAt).toISOString(),
  };
}

function table(records: readonly SessionRecord[]): string {
  if (records.length === 0) return 'no stored sessions\n';
  const rows = [
    ['ID', 'SUBJECT', 'SERVER', 'TRANSPORT', 'CREATED', 'LAST USED'],
    ...records.map((r) => {
      const j = toJson(r);
      return [j.id, j.subject, j.serverId ?? '-', j.transport, j.createdAt, j.lastUsedAt];
    }),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}
