// Lease: one row in `leases` naming which instance runs a leader-only job until when; taken atomically on SQLite and PostgreSQL.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface LeaseOptions {
  db: Kysely<Database>;
  /** The job, e.g. 'health-checks'. */
  name: string;
  /** This instance's id. */
  holder: string;
  /** How long a lease lasts without renewal; a dead leader's job moves after this. */
  ttlMs: number;
  now?: () => Date;
}

export class Lease {
  readonly #opts: LeaseOptions;

  constructor(opts: LeaseOptions) {
    this.#opts = opts;
  }

  get holder(): string {
    return this.#opts.holder;
  }

  /**
   * Takes the lease when it is free or expired, or renews it when we hold it; returns whether we hold it now.
   * One statement (INSERT … ON CONFLICT DO UPDATE … WHERE) decides, so two instances never both win: the
   * database locks the row while it evaluates the WHERE against its latest version.
   */
  async acquire(): Promise<boolean> {
    const { db, name, holder, ttlMs } = this.#opts;
    const now = (this.#opts.now ?? (() => new Date()))();
    const nowText = now.toISOString();
    const expires = new Date(now.getTime() + ttlMs).toISOString();
    await db
      .insertInto('leases')
      .values({ name, holder, expires_at: expires })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, expires_at: expires })
          .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<', nowText)])),
      )
      .execute();
    const row = await db.selectFrom('leases').select('holder').where('name', '=', name).executeTakeFirst();
    return row?.holder === holder;
  }

  /** Gives the lease up (on shutdown) so another instance takes over at once instead of after the TTL. */
  async release(): Promise<void> {
    const { db, name, holder } = this.#opts;
    await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
  }
}
