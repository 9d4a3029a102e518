// `mcpgateway import FILE`: imports an export file (ours or ContextForge's) into DATABASE_URL in one transaction.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isAppError } from '../errors/app-error.js';
import type { ImportStatus } from '../transfer/import-report.js';
import type { EntitySelection } from '../transfer/import-run.js';
import { CONFLICT_STRATEGIES, type ConflictStrategy } from '../transfer/upsert.js';
import type { CliIo } from './io.js';
import { cliPrincipal, withServices } from './transfer-store.js';

const USAGE = `usage: mcpgateway import FILE [--conflict-strategy skip|update|rename|fail] [--dry-run]
                         [--source-secret S] [--continue-on-error] [--include "tools:a,b;servers:x"] [--json]
  --source-secret: ContextForge's AUTH_ENCRYPTION_SECRET, or the passphrase of a --secrets passphrase export
  (also SOURCE_SECRET). --dry-run prints what would change and writes nothing.`;

/** ContextForge's --include: "tools:a,b;servers:x"; a type without names takes all of it. */
function selectionOf(text: string | undefined): EntitySelection | undefined {
  if (text === undefined) return undefined;
  const out: Record<string, string[]> = {};
  for (const part of text.split(';').filter((p) => p.trim() !== '')) {
    const [type = '', names = ''] = part.split(':', 2);
    out[type.trim()] = names
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }
  return out;
}

function print(io: CliIo, status: ImportStatus): void {
  for (const c of status.changes) {
    const detail = c.fields?.length
      ? ` (${c.fields.join(', ')})`
      : c.renamed_to
        ? ` as ${c.renamed_to}`
        : c.error
          ? `: ${c.error}`
          : '';
    io.stdout(`${c.action.padEnd(9)} ${c.type} ${c.name}${detail}\n`);
  }
  for (const w of status.warnings) io.stderr(`warning: ${w}\n`);
  const p = status.progress;
  io.stdout(
    `${status.dry_run ? 'dry run, nothing written: would have ' : ''}created ${p.created}, updated ${p.updated}, skipped ${p.skipped}, failed ${p.failed}\n`,
  );
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'conflict-strategy': { type: 'string', default: 'update' },
        'dry-run': { type: 'boolean', default: false },
        'source-secret': { type: 'string' },
        'rekey-secret': { type: 'string' },
        'continue-on-error': { type: 'boolean', default: false },
        include: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.stderr(`mcpgateway import: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) return (io.stdout(`${USAGE}\n`), 0);
  const strategy = values['conflict-strategy'];
  if (positionals.length !== 1 || !(CONFLICT_STRATEGIES as readonly string[]).includes(strategy)) {
    io.stderr(
      `mcpgateway import: name one FILE and a strategy of ${CONFLICT_STRATEGIES.join(', ')}\n${USAGE}\n`,
    );
    return 2;
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(resolve(io.cwd, positionals[0]!), 'utf8'));
  } catch (error) {
    io.stderr(`mcpgateway import: cannot read ${positionals[0]} as JSON: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    const status = await withServices(io, async (services) => {
      const done = await services.transfer.import(
        {
          data,
          strategy: strategy as ConflictStrategy,
          dryRun: values['dry-run'],
          continueOnError: values['continue-on-error'],
          sourceSecret: values['source-secret'] ?? values['rekey-secret'] ?? io.env.SOURCE_SECRET,
          selection: selectionOf(values.include),
        },
        cliPrincipal(io),
      );
      // Discovery of imported gateways started after the commit; it is given its chance before the process ends.
      await services.transfer.settled(done.import_id);
      return done;
    });
    if (values.json) io.stdout(`${JSON.stringify(status, null, 2)}\n`);
    else print(io, status);
    for (const [id, result] of Object.entries(status.discovery))
      if (result !== 'ok') io.stderr(`warning: gateway ${id} discovery ${result}\n`);
    return status.progress.failed > 0 ? 1 : 0;
  } catch (error) {
    if (!isAppError(error)) throw error;
    io.stderr(`mcpgateway import: ${error.message}\nnothing was written\n`);
    return 1;
  }
}
