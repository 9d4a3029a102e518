// Running-instance markers: every gateway renews a lease named `instance:<id>` while it runs, so a restore can
// tell that a gateway is using the database (and refuse) without any process list or lock file.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { Lease } from './lease.js';

const PREFIX = 'instance:';
/** A crashed gateway stops counting as running after this long. */
export const INSTANCE_TTL_MS = 30_000;

export interface InstanceMarker {
  stop(): Promise<void>;
}

/** Takes this instance's marker now and renews it every third of its TTL until stop() (which removes it). */
export async function startInstanceMarker(
  db: Kysely<Database>,
  id: string,
  ttlMs = INSTANCE_TTL_MS,
): Promise<InstanceMarker> {
  const lease = new Lease({ db, name: `${PREFIX}${id}`, holder: id, ttlMs });
  await lease.acquire();
  const timer = setInterval(() => void lease.acquire().catch(() => undefined), Math.floor(ttlMs / 3));
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await lease.release().catch(() => undefined);
    },
  };
}

export interface LiveInstance {
  id: string;
  expiresAt: string;
}

/** Instances whose marker has not expired; none when the database has no schema yet. */
export async function liveInstances(db: Kysely<Database>, now = new Date()): Promise<LiveInstance[]> {
  try {
    const rows = await db
      .selectFrom('leases')
      .select(['holder', 'expires_at'])
      .where('name', 'like', `${PREFIX}%`)
      .where('expires_at', '>', now.toISOString())
      .execute();
    return rows.map((r) => ({ id: r.holder, expiresAt: r.expires_at }));
  } catch (error) {
    if (/no such table|does not exist/i.test(String(error))) return [];
    throw error;
  }
}
