// bench/backup: a gateway (its own process) takes 200 registrations/s over HTTP while backups run back to back
// from this process, as `mcpgateway backup` would; prints the writers' latency without and during backups, backup
// and restore MB/s on a database padded to --mb, and whether any acknowledged registration is missing after restore.
// Run: npx tsx bench/backup.ts [--mb 100] [--seconds 20] [--rate 200] [--backend sqlite|postgres|both]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createSecretBox } from '../src/auth/secret-box.js';
import { createBackup } from '../src/backup/create-backup.js';
import { restoreBackup } from '../src/backup/restore-backup.js';
import { fileURLToPath } from 'node:url';
import { spawnUntil } from './lib.js';
import { openStore } from '../src/store/db.js';
import { migrateToLatest } from '../src/store/migrate.js';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    rate: { type: 'string', default: '200' },
    backend: { type: 'string', default: 'both' },
    /** Where artifacts go (default: beside the database): another disk, or /dev/shm, shows what disk contention costs. */
    'backup-dir': { type: 'string' },
    'pg-admin-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/postgres' },
  },
});
const MB = Number(values.mb);
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const SECRET = 'bench-encryption-secret';
const secrets = createSecretBox(SECRET);
const dir = mkdtempSync(join(tmpdir(), 'mcpgw-bench-backup-'));
const backupDir =
  values['backup-dir'] === undefined ? dir : mkdtempSync(join(values['backup-dir'], 'mcpgw-bench-'));

async function pgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `mcpgw_bench_${randomBytes(4).toString('hex')}`;
  const admin = values['pg-admin-url'];
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(statement);
    await client.end();
  };
  await run(`create database ${name}`);
  return {
    url: admin.replace(/\/[^/]*$/, `/${name}`),
    drop: () => run(`drop database if exists ${name} with (force)`),
  };
}

/** Pads the database with resources of 64 KiB random text (nothing compresses it) until it holds about `mb` MB. */
async function pad(url: string, mb: number): Promise<void> {
  const store = openStore(url);
  await migrateToLatest(store);
  const now = new Date().toISOString();
  for (let i = 0; i < mb * 16; i += 50) {
    const rows = Array.from({ length: 50 }, (_, j) => {
      const text = randomBytes(48 * 1024).toString('base64');
      return {
        id: `pad-${i + j}`,
        uri: `file:///pad/${i + j}`,
        name: `pad ${i + j}`,
        text_content: text,
        size: text.length,
        enabled: 1,
        tags: '[]',
        created_at: now,
        updated_at: now,
        created_by: null,
        modified_by: null,
        description: null,
        mime_type: 'text/plain',
        uri_template: null,
        binary_content: null,
        gateway_id: null,
      };
    });
    await store.db.insertInto('resources').values(rows).execute();
  }
  await store.close();
}

const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
const ms = (n: number): string => `${n.toFixed(1)} ms`;

async function run(label: 'sqlite' | 'postgres'): Promise<void> {
  const pgDb = label === 'postgres' ? await pgDatabase() : undefined;
  const target = label === 'postgres' ? await pgDatabase() : undefined;
  const url = pgDb?.url ?? `sqlite:///${join(dir, 'bench.db')}`;
  const targetUrl = target?.url ?? `sqlite:///${join(dir, 'restored.db')}`;
  try {
    process.stderr.write(`${label}: padding the database to ~${MB} MB\n`);
    await pad(url, MB);
    const { child, match } = await spawnUntil(
      process.execPath,
      [
        '--import',
        import.meta.resolve('tsx'),
        fileURLToPath(new URL('../src/cli/index.ts', import.meta.url)),
      ],
      {
        PATH: process.env.PATH,
        DATABASE_URL: url,
        PORT: '0',
        AUTH_REQUIRED: 'false',
        LOG_LEVEL: 'warn',
        AUTH_ENCRYPTION_SECRET: SECRET,
        JWT_SECRET_KEY: 'bench-secret-key-0123456789abcdef',
      },
      /listening on (http:\/\/\S+)/,
    );
    const gateway = { url: match };
    const acknowledged: Array<{ name: string; at: number }> = [];
    const latencies: Array<{ at: number; ms: number }> = [];
    let writing = true;
    let n = 0;
    // Paced writer: one registration every 1000/RATE ms, each timed; never more than 64 in flight.
    const inflight = new Set<Promise<void>>();
    const writer = (async () => {
      const interval = 1000 / RATE;
      let next = performance.now();
      while (writing) {
        next += interval;
        const name = `bench_${label}_${n++}`;
        const started = performance.now();
        const p = fetch(`${gateway.url}/tools`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name,
            url: 'https://api.example.com/x',
            auth: { auth_type: 'bearer', token: name },
          }),
        }).then(async (res) => {
          await res.arrayBuffer();
          const end = performance.now();
          latencies.push({ at: started, ms: end - started });
          if (res.status === 201) acknowledged.push({ name, at: end });
        });
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
        if (inflight.size >= 64) await Promise.race(inflight);
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      await Promise.all(inflight);
    })();

    await new Promise((r) => setTimeout(r, 3000));
    const windows: Array<{ from: number; to: number }> = [];
    const runs: Array<{ path: string; bytes: number; seconds: number; startedAt: number }> = [];
    const deadline = performance.now() + SECONDS * 1000;
    let i = 0;
    while (performance.now() < deadline) {
      const from = performance.now();
      const output = join(backupDir, `${label}-${i++}.mcpbak`);
      const result = await createBackup({
        databaseUrl: url,
        cwd: dir,
        output,
        keyFingerprint: secrets.fingerprint,
        appVersion: 'bench',
      });
      const to = performance.now();
      windows.push({ from, to });
      runs.push({
        path: output,
        bytes: result.manifest.payload.bytes,
        seconds: (to - from) / 1000,
        startedAt: from,
      });
      if (runs.length > 1) rmSync(runs[runs.length - 2]?.path ?? '', { force: true });
    }
    await new Promise((r) => setTimeout(r, 2000));
    writing = false;
    await writer;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));

    const during = latencies
      .filter((l) => windows.some((w) => l.at >= w.from && l.at <= w.to))
      .map((l) => l.ms);
    const outside = latencies
      .filter((l) => !windows.some((w) => l.at >= w.from && l.at <= w.to))
      .map((l) => l.ms);
    during.sort((a, b) => a - b);
    outside.sort((a, b) => a - b);

    const last = runs[runs.length - 1];
    if (last === undefined) throw new Error('no backup finished');
    const restoreStarted = performance.now();
    await restoreBackup(last.path, { databaseUrl: targetUrl, cwd: dir, secrets });
    const restoreSeconds = (performance.now() - restoreStarted) / 1000;
    const restored = openStore(targetUrl);
    const names = new Set(
      (await restored.db.selectFrom('tools').select('name').execute()).map((r) => r.name),
    );
    await restored.close();
    const expected = acknowledged.filter((a) => a.at < last.startedAt);
    const missing = expected.filter((a) => !names.has(a.name)).length;

    const mbOf = (bytes: number) => bytes / 1_048_576;
    const backupSeconds = runs.reduce((s, r) => s + r.seconds, 0) / runs.length;
    console.log(
      `\n## ${label}: ${RATE} registrations/s, ${runs.length} backups back to back over ${SECONDS} s`,
    );
    console.log('| measure | value |');
    console.log('|---|---|');
    console.log(`| database payload | ${mbOf(last.bytes).toFixed(1)} MB |`);
    console.log(
      `| backup (snapshot + checks + artifact), mean | ${backupSeconds.toFixed(2)} s = ${(mbOf(last.bytes) / backupSeconds).toFixed(1)} MB/s |`,
    );
    console.log(
      `| restore (checks + load + migrate + verify) | ${restoreSeconds.toFixed(2)} s = ${(mbOf(last.bytes) / restoreSeconds).toFixed(1)} MB/s |`,
    );
    console.log(`| writes timed: outside / during backups | ${outside.length} / ${during.length} |`);
    console.log(
      `| writer p50 / p99 / max outside backups | ${ms(quantile(outside, 0.5))} / ${ms(quantile(outside, 0.99))} / ${ms(outside.at(-1) ?? 0)} |`,
    );
    console.log(
      `| writer p50 / p99 / max during backups | ${ms(quantile(during, 0.5))} / ${ms(quantile(during, 0.99))} / ${ms(during.at(-1) ?? 0)} |`,
    );
    console.log(
      `| acknowledged before the last backup started, missing after restore | ${missing} of ${expected.length} |`,
    );
  } finally {
    await pgDb?.drop();
    await target?.drop();
  }
}

for (const backend of values.backend === 'both'
  ? (['sqlite', 'postgres'] as const)
  : [values.backend as 'sqlite' | 'postgres'])
  await run(backend);
rmSync(dir, { recursive: true, force: true });
rmSync(backupDir, { recursive: true, force: true });
