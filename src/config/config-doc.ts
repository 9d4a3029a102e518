// Renders docs/configuration.md from CONFIG_SCHEMA, so the documentation cannot drift from the code.
import { CONFIG_SCHEMA } from './schema.js';

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
    'checks them without starting. Booleans accept `true/false/1/0/yes/no`; lists are comma-separated.',
    '',
    '| variable | type | default | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function describeType(env: string): string {
  const spec = Object.values(CONFIG_SCHEMA).find((s) => s.env === env);
  const def = spec?.schema.def as
    | {
        type?: string;
        entries?: Record<string, string>;
        in?: { def?: { type?: string; entries?: Record<string, string> } };
      }
    | undefined;
  const inner = def?.type === 'pipe' ? def.in?.def : def;
  if (inner?.type === 'enum' && inner.entries !== undefined) {
    const values = Object.values(inner.entries);
    return values.includes('true') ? 'boolean' : values.map((v) => `\`${v}\``).join(' \\| ');
  }
  if (inner?.type === 'number')
    return (spec?.schema as { isInt?: boolean } | undefined)?.isInt === true ? 'integer' : 'number';
  return 'string';
}
