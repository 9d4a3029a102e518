// 0002: gateways remember which client headers may pass through to the upstream (ContextForge's passthrough_headers).
import type { Kysely } from 'kysely';

export function serversGateways() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('gateways')
        .addColumn('passthrough_headers', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
    },
  };
}
