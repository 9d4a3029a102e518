// Renders docs/configuration.md from CONFIG_SCHEMA, so the documentation cannot drift from the code.
import { CONFIG_SCHEMA } from './schema.js';
import { list, networkList } from './value-types.js';

export function renderConfigDoc(): string {
  const rows = Object.values(CONFIG_SCHEMA).map((spec) => {
    const type = describeType(spec.env);
    const fallback =
      spec.default === undefined ? '(unset)' : spec.default === '' ? '(empty)' : `\`${spec.default}\``;
    return `| \`${spec.env}\` | ${type} | ${fallback} | ${spec.doc} |`;
  });
  return [
    '# Configuration',
    '',
    'Generated from `src/config/schema.ts` by `npx tsx scripts/render-config-doc.ts > docs/configuration.md`;',
    'a test fails when the two differ.',
    '',
    'Values come from the environment, then from `.env` in the working directory (the environment wins).',
    'Invalid values stop the gateway with a message naming the variable; `mcpgateway --validate-config`',
    "checks them without starting, parsing exactly as the server does. `.env` follows python-dotenv's syntax",
    '(quotes, escapes, `export`, comments, multi-line quoted values, `${VAR}`), so a ContextForge `.env` works;',
    'its variables that mcpgateway does not implement are ignored with one warning naming them. Booleans',
    'accept `true/false/1/0/yes/no/on/off` in any case; lists are a JSON list (`["a","b"]`) or comma-separated.',
    '',
    '| variable | type | default | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

interface SchemaDef {
  type?: string;
  entries?: Record<string, string>;
  in?: { def?: SchemaDef };
  out?: { def?: SchemaDef };
}

/** The enum a schema checks against, looking through transforms and pipes (choice(), bool). */
function findEnum(def: SchemaDef | undefined): string[] | undefined {
  if (def === undefined) return undefined;
  if (def.type === 'enum' && def.entries !== undefined) return Object.values(def.entries);
  if (def.type !== 'pipe') return undefined;
  return findEnum(def.out?.def) ?? findEnum(def.in?.def);
}

function describeType(env: string): string {
  const spec = Object.values(CONFIG_SCHEMA).find((s) => s.env === env);
  const def = spec?.schema.def as SchemaDef | undefined;
  const values = findEnum(def);
  if (values !== undefined) {
    return values.includes('true') ? 'boolean' : values.map((v) => `\`${v}\``).join(' \\| ');
  }
  if (def?.type === 'number')
    return (spec?.schema as { isInt?: boolean } | undefined)?.isInt === true ? 'integer' : 'number';
  if (spec?.schema === list || spec?.schema === networkList) return 'list';
  return 'string';
}
