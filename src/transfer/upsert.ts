// One entity of an import against what the registry holds: create, or per the conflict strategy skip, fail, create
// under a free name, or update only the fields that differ (so importing the same file twice changes nothing).
import type { SecretCodec } from '../auth/secret-box.js';
import { conflict } from '../errors/app-error.js';
import { newId } from '../lib/ids.js';
import { openGatewayAuth, sealAuth } from '../registry/common/upstream-auth.js';
import type { GatewayAuth } from '../runtime/credentials.js';
import type { ChangeAction } from './import-report.js';

export const CONFLICT_STRATEGIES = ['skip', 'update', 'rename', 'fail'] as const;
export type ConflictStrategy = (typeof CONFLICT_STRATEGIES)[number];

interface Versioned {
  id: string;
  version: number;
  auth_type?: string | null;
  auth_value?: string | null;
}

/** Rows by id and by the keys that identify them (name, slug, URI, a gateway's upstream name). */
export class Index<Row extends { id: string }> {
  readonly byId = new Map<string, Row>();
  readonly #byKey = new Map<string, Row>();

  constructor(
    rows: readonly Row[],
    private readonly keys: (row: Row) => Array<string | undefined>,
  ) {
    for (const row of rows) this.put(row);
  }

  get(key: string): Row | undefined {
    return this.#byKey.get(key);
  }

  put(row: Row, previous?: Row): void {
    if (previous !== undefined)
      for (const key of this.keys(previous)) if (key !== undefined) this.#byKey.delete(key);
    this.byId.set(row.id, row);
    for (const key of this.keys(row)) if (key !== undefined) this.#byKey.set(key, row);
  }

  /** The file's id when this table does not hold it yet (links and URLs keep working), else a new one. */
  freeId(wanted: string | undefined): string {
    return wanted !== undefined && !this.byId.has(wanted) ? wanted : newId();
  }
}

export interface UpsertSpec<Row extends Versioned> {
  strategy: ConflictStrategy;
  index: Index<Row>;
  existing: Row | undefined;
  /** The row as the file describes it, id chosen. */
  wanted: Row;
  /** Fields an update compares and writes (a federated entity's: only what the admin may change). */
  compared: ReadonlyArray<keyof Row & string>;
  /** Tools and gateways: the credentials the file carries, compared in clear (sealed values differ every time). */
  auth?: GatewayAuth | null;
  codec: SecretCodec;
  /** Why this existing row cannot take the file's values (a local tool's name held by a federated one). */
  cannotUpdate?: string | undefined;
  /** The wanted row under a free name, for the rename strategy. */
  renamed(): Row;
  describe: string;
  audit: { now: string; actor: string };
  insert(row: Row): Promise<void>;
  update(id: string, patch: Partial<Row>): Promise<void>;
}

export interface Upserted<Row> {
  row: Row;
  action: ChangeAction;
  fields?: string[];
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );

const same = (a: unknown, b: unknown): boolean =>
  a instanceof Uint8Array && b instanceof Uint8Array ? Buffer.from(a).equals(Buffer.from(b)) : a === b;

export async function upsert<Row extends Versioned>(spec: UpsertSpec<Row>): Promise<Upserted<Row>> {
  const { existing, index } = spec;
  const withAuth = (row: Row): Row =>
    spec.auth === undefined ? row : { ...row, ...sealAuth(spec.codec, spec.auth) };
  if (existing === undefined || spec.strategy === 'rename') {
    const row = withAuth(existing === undefined ? spec.wanted : spec.renamed());
    await spec.insert(row);
    index.put(row);
    return { row, action: existing === undefined ? 'create' : 'rename' };
  }
  if (spec.strategy === 'skip') return { row: existing, action: 'skip' };
  if (spec.strategy === 'fail')
    throw conflict(`${spec.describe} already exists (conflict_strategy fail): choose skip, update or rename`);
  if (spec.cannotUpdate !== undefined) throw conflict(spec.cannotUpdate);
  const patch: Partial<Row> = {};
  const differing = spec.compared.filter((k) => !same(existing[k], spec.wanted[k]));
  for (const k of differing) patch[k] = spec.wanted[k];
  const fields: string[] = [...differing];
  if (spec.auth !== undefined) {
    const held = openGatewayAuth(spec.codec, existing.auth_value ?? null);
    if (canonical(held) !== canonical(spec.auth)) {
      fields.push('auth');
      Object.assign(patch, sealAuth(spec.codec, spec.auth));
    }
  }
  if (fields.length === 0) return { row: existing, action: 'unchanged' };
  Object.assign(patch, {
    updated_at: spec.audit.now,
    modified_by: spec.audit.actor,
    version: existing.version + 1,
  });
  await spec.update(existing.id, patch);
  const row = { ...existing, ...patch };
  index.put(row, existing);
  return { row, action: 'update', fields };
}

/** `base_imported`, `base_imported_2`, …: the first that `taken` does not hold, within `max` characters. */
export function freeName(base: string, taken: (name: string) => boolean, max: number): string {
  for (let n = 1; ; n += 1) {
    const suffix = n === 1 ? '_imported' : `_imported_${n}`;
    const name = base.slice(0, max - suffix.length) + suffix;
    if (!taken(name)) return name;
  }
}
