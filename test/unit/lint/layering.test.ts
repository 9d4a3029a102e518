// Layering is enforced by `npm run lint`: an upward import in a source file fails, a downward one passes.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const suffix = randomBytes(4).toString('hex');

/** [folder under src, import specifier, whether lint must refuse it] */
const PROBES: Array<[string, string, boolean]> = [
  ['store', '../registry/registry.js', true],
  ['store/repos', '../../cache/event-bus.js', true],
  ['registry/tools', '../../http/routes/tools.js', true],
  ['registry', '../mcp/session-hub.js', true],
  ['federation', '../registry/registry.js', true],
  ['runtime', '../federation/connect.js', true],
  ['cache', '../mcp/catalog.js', true],
  ['config', '../store/db.js', true],
  ['lib', '../store/db.js', true],
  ['mcp/protocol', '../session-hub.js', true],
  ['http', '../main.js', true],
  ['bridges/translate', '../../registry/registry.js', true],
  // Downward and leaf imports pass.
  ['http/routes', '../../registry/registry.js', false],
  ['mcp', '../registry/registry.js', false],
  ['federation/forward', '../../mcp/protocol/json-rpc.js', false],
  ['registry', '../store/db.js', false],
  ['store', '../errors/app-error.js', false],
];

const written: string[] = [];
afterAll(() => {
  for (const file of written) rmSync(file, { force: true });
});

describe('layering lint (eslint.layers.config.js)', () => {
  it('refuses every upward import and allows downward and leaf imports', async () => {
    const files = PROBES.map(([folder, specifier], i) => {
      const file = join(root, 'src', folder, `layering-probe-${suffix}-${i}.ts`);
      writeFileSync(file, `export type { Probe${i} } from '${specifier}';\n`);
      written.push(file);
      return file;
    });
    const results = await new ESLint({ cwd: root }).lintFiles(files);
    const refused = results.map((r) => r.messages.some((m) => m.ruleId === 'no-restricted-imports'));
    expect(
      Object.fromEntries(PROBES.map(([folder, spec], i) => [`${folder} → ${spec}`, refused[i]])),
    ).toEqual(Object.fromEntries(PROBES.map(([folder, spec, bad]) => [`${folder} → ${spec}`, bad])));
    const message = results[0]!.messages.find((m) => m.ruleId === 'no-restricted-imports')?.message;
    expect(message).toMatch(/store may import only config/);
  }, 120_000);
});
