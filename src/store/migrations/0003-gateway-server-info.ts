// 0003: gateways keep the upstream's self-description from discovery (serverInfo, protocol version, instructions).
import type { Kysely } from 'kysely';

export function gatewayServerInfo() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('gateways')
        .addColumn('server_info', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
    },
  };
}
