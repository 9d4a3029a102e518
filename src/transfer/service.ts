// TransferService: export the registry to ContextForge's file format (with our own fields) and import such files,
// in one transaction per import; no HTTP here.
import type { Principal } from '../auth/principal.js';
import type { SecretBox } from '../auth/secret-box.js';
import { AppError, invalid, notFound } from '../errors/app-error.js';
import { newId, nowIso } from '../lib/ids.js';
import type { RegistryEvents } from '../registry/common/events.js';
import { inTransaction, type Store } from '../store/db.js';
import { importOpener, type EntryAuth } from './credentials.js';
import type { ExportDocument, SecretsMode } from './export-format.js';
import { exportFiltered, exportSelected, type FilterOptions, type Selection } from './exporter.js';
import { ImportStatuses, newStatus, type ImportStatus } from './import-report.js';
import { runImport, type EntitySelection, type ImportOutcome } from './import-run.js';
import { parseDocument } from './import-schema.js';
import { readSnapshot } from './snapshot.js';
import type { ConflictStrategy } from './upsert.js';

export interface TransferServiceOptions {
  store: Store;
  secrets: Pick<SecretBox, 'encryptJson' | 'decryptJson' | 'fingerprint'>;
  events: RegistryEvents;
  /** What exports name as source_gateway: http://HOST:PORT. */
  sourceGateway: string;
  /** Runs after a committed import for each gateway it created or changed (discovery, in the background). */
  discover?: (gatewayId: string) => Promise<unknown>;
}

export interface SecretsOption {
  secrets: SecretsMode;
  passphrase?: string | undefined;
}

export interface ImportInput {
  data: unknown;
  strategy: ConflictStrategy;
  dryRun: boolean;
  continueOnError: boolean;
  /** ContextForge's AUTH_ENCRYPTION_SECRET, or the passphrase of a `--secrets passphrase` export. */
  sourceSecret?: string | undefined;
  selection?: EntitySelection | undefined;
}

/** Thrown inside the transaction so a dry run rolls back everything it did. */
class DryRunDone extends Error {
  constructor(readonly outcome: ImportOutcome) {
    super('dry run: rolled back');
  }
}

export class TransferService {
  readonly #statuses = new ImportStatuses();
  /** Discovery runs started by each import, so a one-shot process (the CLI) can wait for them. */
  readonly #discovering = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: TransferServiceOptions) {}

  async exportAll(filter: FilterOptions & SecretsOption, principal: Principal): Promise<ExportDocument> {
    const snap = await readSnapshot(this.opts.store.db);
    return exportFiltered(snap, filter, this.#context(filter, principal));
  }

  async exportSelected(
    selection: Selection,
    includeDependencies: boolean,
    secrets: SecretsOption,
    principal: Principal,
  ): Promise<ExportDocument> {
    const snap = await readSnapshot(this.opts.store.db);
    return exportSelected(snap, selection, includeDependencies, this.#context(secrets, principal));
  }

  /** Resolves when the discovery an import started has finished (at once when it started none). */
  async settled(importId: string): Promise<void> {
    await this.#discovering.get(importId);
    this.#discovering.delete(importId);
  }

  status(id: string): ImportStatus {
    const status = this.#statuses.get(id);
    if (status === undefined) throw notFound('Import', id);
    return status;
  }

  /** All or nothing unless continueOnError; a dry run does everything and rolls it back, so its report is exact. */
  async import(input: ImportInput, principal: Principal): Promise<ImportStatus> {
    const doc = parseDocument(input.data);
    const status = newStatus(newId(), input.dryRun, input.strategy, nowIso());
    this.#statuses.add(status);
    const ctx = { now: status.started_at, actor: principal.subject };
    let outcome: ImportOutcome;
    try {
      outcome = await inTransaction(this.opts.store, async (trx) => {
        const done = await runImport(trx, await readSnapshot(trx), doc, {
          strategy: input.strategy,
          continueOnError: input.continueOnError,
          selection: input.selection,
          open: this.#opener(doc.mcpgateway, input.sourceSecret),
          codec: this.opts.secrets,
          ctx,
          status,
        });
        if (input.dryRun) throw new DryRunDone(done);
        return done;
      });
    } catch (error) {
      if (!(error instanceof DryRunDone)) {
        status.status = 'failed';
        status.completed_at = nowIso();
        throw error;
      }
      outcome = error.outcome;
    }
    status.status = 'completed';
    status.completed_at = nowIso();
    if (!input.dryRun) this.#afterCommit(outcome, status);
    return status;
  }

  #context(secrets: SecretsOption, principal: Principal) {
    return {
      codec: this.opts.secrets,
      exportedBy: principal.subject,
      sourceGateway: this.opts.sourceGateway,
      secrets: secrets.secrets,
      passphrase: secrets.passphrase,
      now: nowIso(),
    };
  }

  /** Our files say how they sealed credentials; a file without that marker is ContextForge's. */
  #opener(
    marker: { secrets: SecretsMode; key_fingerprint?: string | undefined } | undefined,
    secret?: string,
  ) {
    const open = importOpener({ mode: marker?.secrets ?? 'contextforge', codec: this.opts.secrets, secret });
    const theirs = marker?.secrets === 'key' ? marker.key_fingerprint : undefined;
    const ours = this.opts.secrets.fingerprint;
    return (entry: EntryAuth, what: string) => {
      if (theirs !== undefined && theirs !== ours && (entry.auth_value ?? '') !== '')
        throw invalid(
          `${what}: its credentials are sealed under another AUTH_ENCRYPTION_SECRET (key fingerprint ${theirs}, ` +
            `this gateway ${ours}): export again with --secrets passphrase and import with --source-secret`,
        );
      return open(entry, what);
    };
  }

  #afterCommit(outcome: ImportOutcome, status: ImportStatus): void {
    const { events, discover } = this.opts;
    for (const kind of ['tools', 'resources', 'prompts'] as const)
      if (outcome.changed.has(kind)) events.emit({ type: 'list_changed', kind });
    if (outcome.changed.has('servers')) events.emit({ type: 'servers_changed' });
    if (outcome.changed.has('gateways')) events.touched();
    if (discover === undefined) return;
    const runs = outcome.discover.map((id) => {
      status.discovery[id] = 'pending';
      return discover(id).then(
        () => (status.discovery[id] = 'ok'),
        (error: unknown) =>
          (status.discovery[id] =
            `failed: ${error instanceof AppError || error instanceof Error ? error.message : String(error)}; retry with POST /gateways/${id}/tools/refresh`),
      );
    });
    if (runs.length > 0) this.#discovering.set(status.import_id, Promise.all(runs));
  }
}
