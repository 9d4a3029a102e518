// `mcpgateway export`: writes the registry of DATABASE_URL as a ContextForge-compatible export file.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ENTITY_TYPES, SECRETS_MODES, type EntityType, type SecretsMode } from '../transfer/export-format.js';
import type { CliIo } from './io.js';
import { cliPrincipal, withServices } from './transfer-store.js';

const USAGE = `usage: mcpgateway export [--output FILE] [--types T,..] [--exclude-types T,..] [--tags A,..]
                         [--include-inactive] [--no-dependencies] [--secrets key|passphrase|omitted] [--passphrase P]
  types: ${ENTITY_TYPES.join(', ')}; without --output the file goes to stdout.
  --secrets key (default): credentials stay sealed under this AUTH_ENCRYPTION_SECRET;
  passphrase: re-sealed under --passphrase (or EXPORT_PASSPHRASE), ContextForge's scheme; omitted: left out.`;

const split = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);

export async function run(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        output: { type: 'string', short: 'o' },
        out: { type: 'string' },
        types: { type: 'string' },
        'exclude-types': { type: 'string' },
        tags: { type: 'string' },
        'include-inactive': { type: 'boolean', default: false },
        'no-dependencies': { type: 'boolean', default: false },
        secrets: { type: 'string', default: 'key' },
        passphrase: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    io.stderr(`mcpgateway export: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) return (io.stdout(`${USAGE}\n`), 0);
  const types = split(values.types);
  const unknown = types.filter((t) => !(ENTITY_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0 || !(SECRETS_MODES as readonly string[]).includes(values.secrets)) {
    io.stderr(
      `mcpgateway export: unknown type or secrets mode: ${[...unknown, values.secrets].join(', ')}\n${USAGE}\n`,
    );
    return 2;
  }
  const known = (list: string[]) =>
    list.filter((t): t is EntityType => (ENTITY_TYPES as readonly string[]).includes(t));
  const doc = await withServices(io, (services) =>
    services.transfer.exportAll(
      {
        types: known(types),
        excludeTypes: known(split(values['exclude-types'])),
        tags: split(values.tags),
        includeInactive: values['include-inactive'],
        includeDependencies: !values['no-dependencies'],
        secrets: values.secrets as SecretsMode,
        passphrase: values.passphrase ?? io.env.EXPORT_PASSPHRASE,
      },
      cliPrincipal(io),
    ),
  );
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  const output = values.output ?? values.out;
  if (output === undefined) io.stdout(text);
  else {
    writeFileSync(resolve(io.cwd, output), text, { mode: 0o600 });
    const counts = Object.entries(doc.metadata.entity_counts).map(([k, n]) => `${n} ${k}`);
    io.stderr(`exported ${counts.join(', ')} to ${output}\n`);
  }
  return 0;
}
