// bench/transfer: `mcpgateway export` and `import` of a 10,000-tool registry, on SQLite and on PostgreSQL, timed
// as an operator runs them (one CLI process each, wall time from spawn to exit, start-up included).
// Run: npm run build && npx tsx bench/transfer.ts [--tools 10000] [--backends sqlite,postgres]
//      [--pg-url postgresql://postgres@127.0.0.1:5432/postgres] [--profile DIR]
// Per backend: a fresh database is seeded by importing a generated ContextForge file (tools with and without
// sealed credentials, servers, prompts, resources, roots); everything is exported; the file is imported into a
// second fresh database, then again (conflict_strategy update: changes nothing), then as a dry run. PostgreSQL
// databases are created and dropped by the bench. --profile writes a V8 CPU profile of every CLI process.
import { spawn } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { profileArgs } from './lib.js';

const { values } = parseArgs({
  options: {
    tools: { type: 'string', default: '10000' },
    backends: { type: 'string', default: 'sqlite,postgres' },
    'pg-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/postgres' },
    profile: { type: 'string' },
  },
});
const TOOLS = Number(values.tools);
const SOURCE_SECRET = 'bench-contextforge-secret';
const entry = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'mcpgw-bench-transfer-'));

/** ContextForge's sealing (AES-256-GCM under SHA-256 of its secret), so the seed carries credentials to open. */
function sealContextForge(value: unknown): string {
  const nonce = randomBytes(12);
  const key = createHash('sha256').update(SOURCE_SECRET).digest();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
}

/** A ContextForge export: TOOLS REST tools (one in ten with a bearer token), 1 % as many servers, 2 % prompts and resources. */
function seedDocument(): unknown {
  const tools = Array.from({ length: TOOLS }, (_, i) => ({
    name: `tool-${i}`,
    url: `https://api.example.com/v1/items/${i}`,
    description: `Fetches item ${i} from the example API, with its history and owners.`,
    integration_type: 'REST',
    request_type: i % 3 === 0 ? 'GET' : 'POST',
    headers: { 'x-tenant': `team-${i % 7}` },
    input_schema: {
      type: 'object',
      properties: { id: { type: 'string', description: 'item id' }, limit: { type: 'integer' } },
      required: ['id'],
    },
    annotations: { readOnlyHint: i % 3 === 0 },
    tags: [`team-${i % 7}`, 'bench'],
    is_active: i % 50 !== 0,
    ...(i % 10 === 0
      ? { auth_type: 'bearer', auth_value: sealContextForge({ Authorization: `Bearer token-${i}` }) }
      : {}),
  }));
  const resources = Array.from({ length: Math.ceil(TOOLS / 50) }, (_, i) => ({
    name: `doc-${i}`,
    uri: `file:///docs/${i}.md`,
    mime_type: 'text/markdown',
    content: `# Document ${i}\n\n${'Some text of the document. '.repeat(20)}`,
    tags: ['bench'],
  }));
  const prompts = Array.from({ length: Math.ceil(TOOLS / 50) }, (_, i) => ({
    name: `prompt-${i}`,
    template: `Summarise {{ topic }} for team ${i} in {{ words }} words.`,
    arguments: [
      { name: 'topic', description: 'what to summarise', required: true },
      { name: 'words', required: false },
    ],
    tags: ['bench'],
  }));
  const servers = Array.from({ length: Math.ceil(TOOLS / 100) }, (_, i) => ({
    name: `server-${i}`,
    description: `Virtual server ${i}`,
    associated_tools: tools.slice(i * 100, i * 100 + 100).map((t) => t.name),
    resource_ids: [resources[i % resources.length]!.uri],
    prompt_ids: [prompts[i % prompts.length]!.name],
  }));
  const roots = Array.from({ length: 5 }, (_, i) => ({
    uri: `file:///srv/project-${i}`,
    name: `project ${i}`,
  }));
  return {
    version: '2025-03-26',
    exported_at: new Date().toISOString(),
    exported_by: 'bench',
    source_gateway: 'http://contextforge.example:4444',
    encryption_method: 'AES-256-GCM',
    entities: { tools, gateways: [], servers, prompts, resources, roots },
    metadata: { entity_counts: {}, dependencies: {}, export_options: {} },
  };
}

interface Database {
  url: string;
  drop(): Promise<void>;
}

async function freshDatabase(backend: string, label: string): Promise<Database> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(work, `${label}-`));
    return {
      url: `sqlite:///${join(dir, 'bench.db')}`,
      drop: () => Promise.resolve(rmSync(dir, { recursive: true })),
    };
  }
  const adminUrl = values['pg-url'];
  const name = `mcpgw_bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: adminUrl.replace(/\/[^/]*$/, `/${name}`),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

interface Run {
  seconds: number;
  /** The CLI's last line of output (the import summary, or the export's counts). */
  said: string;
}

/** One CLI process to its exit, output to a file (an import prints a line per entity). */
async function cli(databaseUrl: string, args: string[]): Promise<Run> {
  const log = join(work, 'cli.log');
  const fd = openSync(log, 'w');
  const env = {
    PATH: process.env.PATH,
    USER: 'bench',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    AUTH_ENCRYPTION_SECRET: 'bench-encryption-secret',
    JWT_SECRET_KEY: 'bench-secret-key-0123456789abcdef',
  };
  const start = performance.now();
  const child = spawn(process.execPath, [...profileArgs(values.profile), entry, ...args], {
    env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seconds = (performance.now() - start) / 1000;
  const output = readFileSync(log, 'utf8');
  if (code !== 0) throw new Error(`mcpgateway ${args.join(' ')} exited with ${code}: ${output.slice(-2000)}`);
  const last = output.trim().split('\n').at(-1) ?? '';
  return { seconds, said: last.replace(/^\S+ \S+: /, '').replace(/ to \/\S+$/, '') };
}

const seedFile = join(work, 'seed.json');
writeFileSync(seedFile, JSON.stringify(seedDocument()));
const exportFile = join(work, 'export.json');
const mb = (file: string) => statSync(file).size / 1e6;

console.log(
  `bench/transfer: ${TOOLS} REST tools, ${Math.ceil(TOOLS / 100)} servers, ${Math.ceil(TOOLS / 50)} prompts and resources, ` +
    `5 roots; seed file ${mb(seedFile).toFixed(1)} MB; one CLI process per step; node ${process.version}`,
);
console.log('| backend | step | s | file MB | CLI says |');
console.log('|---|---|---|---|---|');
for (const backend of values.backends.split(',')) {
  const source = await freshDatabase(backend, 'source');
  const target = await freshDatabase(backend, 'target');
  try {
    const row = (step: string, run: Run, file?: string) =>
      console.log(
        `| ${backend} | ${step} | ${run.seconds.toFixed(2)} | ${file === undefined ? '' : mb(file).toFixed(1)} | ${run.said} |`,
      );
    await cli(source.url, ['migrate']);
    await cli(target.url, ['migrate']);
    row('CLI start-up (migrate, nothing to apply)', await cli(target.url, ['migrate']));
    row(
      'seed: import of the ContextForge file',
      await cli(source.url, ['import', seedFile, '--source-secret', SOURCE_SECRET]),
      seedFile,
    );
    row(
      'export of everything',
      await cli(source.url, ['export', '--include-inactive', '--output', exportFile]),
      exportFile,
    );
    row('import into an empty database', await cli(target.url, ['import', exportFile]));
    row('import again (update: changes nothing)', await cli(target.url, ['import', exportFile]));
    row('dry run of that import', await cli(target.url, ['import', exportFile, '--dry-run']));
  } finally {
    await source.drop();
    await target.drop();
  }
}
rmSync(work, { recursive: true, force: true });
