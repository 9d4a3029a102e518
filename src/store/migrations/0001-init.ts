// 0001: every table of DESIGN §4, written once for both dialects.
import type { CreateTableBuilder, Kysely } from 'kysely';
import type { SqlDialectName } from '../db.js';

type Builder = CreateTableBuilder<string, never>;

const audit = (t: Builder): Builder =>
  t
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('modified_by', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1));

export function init(dialect: SqlDialectName) {
  const autoId = (t: Builder): Builder =>
    dialect === 'postgres'
      ? t.addColumn('id', 'bigserial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await audit(
        db.schema
          .createTable('gateways')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('slug', 'text', (c) => c.notNull().unique())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('description', 'text')
          .addColumn('transport', 'text', (c) => c.notNull())
          .addColumn('capabilities', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('auth_type', 'text')
          .addColumn('auth_value', 'text')
          .addColumn('passthrough_auth', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('prefix_mode', 'text', (c) => c.notNull().defaultTo('always'))
          .addColumn('timeout_ms', 'integer')
          .addColumn('command', 'text')
          .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('reachable', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('last_seen', 'text')
          .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]')),
      ).execute();

      await audit(
        db.schema
          .createTable('tools')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('original_name', 'text', (c) => c.notNull())
          .addColumn('custom_name', 'text')
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('display_name', 'text')
          .addColumn('url', 'text')
          .addColumn('description', 'text')
          .addColumn('integration_type', 'text', (c) => c.notNull())
          .addColumn('request_type', 'text', (c) => c.notNull())
          .addColumn('headers', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('input_schema', 'text', (c) => c.notNull())
          .addColumn('output_schema', 'text')
          .addColumn('annotations', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('jsonpath_filter', 'text')
          .addColumn('auth_type', 'text')
          .addColumn('auth_value', 'text')
          .addColumn('timeout_ms', 'integer')
          .addColumn('gateway_id', 'text', (c) => c.references('gateways.id').onDelete('cascade'))
          .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('reachable', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]')),
      ).execute();

      await audit(
        db.schema
          .createTable('resources')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('uri', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('description', 'text')
          .addColumn('mime_type', 'text')
          .addColumn('uri_template', 'text')
          .addColumn('text_content', 'text')
          .addColumn('binary_content', blob)
          .addColumn('size', 'integer')
          .addColumn('gateway_id', 'text', (c) => c.references('gateways.id').onDelete('cascade'))
          .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]')),
      ).execute();

      await audit(
        db.schema
          .createTable('prompts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('original_name', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('description', 'text')
          .addColumn('template', 'text', (c) => c.notNull())
          .addColumn('argument_schema', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('gateway_id', 'text', (c) => c.references('gateways.id').onDelete('cascade'))
          .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]')),
      ).execute();

      await audit(
        db.schema
          .createTable('servers')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('description', 'text')
          .addColumn('icon', 'text')
          .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]')),
      ).execute();

      for (const [kind, parent] of [
        ['tool', 'tools'],
        ['resource', 'resources'],
        ['prompt', 'prompts'],
        ['server', 'servers'],
      ] as const) {
        await autoId(db.schema.createTable(`${kind}_metrics`))
          .addColumn(`${kind}_id`, 'text', (c) => c.notNull().references(`${parent}.id`).onDelete('cascade'))
          .addColumn('timestamp', 'text', (c) => c.notNull())
          .addColumn('response_time', 'double precision', (c) => c.notNull())
          .addColumn('is_success', 'integer', (c) => c.notNull())
          .addColumn('error_message', 'text')
          .execute();
        await db.schema
          .createIndex(`${kind}_metrics_${kind}_id_idx`)
          .on(`${kind}_metrics`)
          .columns([`${kind}_id`, 'timestamp'])
          .execute();
      }

      for (const [kind, parent] of [
        ['tool', 'tools'],
        ['resource', 'resources'],
        ['prompt', 'prompts'],
      ] as const) {
        await db.schema
          .createTable(`server_${kind}_association`)
          .addColumn('server_id', 'text', (c) => c.notNull().references('servers.id').onDelete('cascade'))
          .addColumn(`${kind}_id`, 'text', (c) => c.notNull().references(`${parent}.id`).onDelete('cascade'))
          .addPrimaryKeyConstraint(`server_${kind}_association_pk`, ['server_id', `${kind}_id`])
          .execute();
        await db.schema
          .createIndex(`server_${kind}_association_${kind}_idx`)
          .on(`server_${kind}_association`)
          .column(`${kind}_id`)
          .execute();
      }

      await autoId(db.schema.createTable('resource_subscriptions'))
        .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
        .addColumn('subscriber_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_notification', 'text')
        .addUniqueConstraint('resource_subscriptions_unique', ['resource_id', 'subscriber_id'])
        .execute();

      await db.schema
        .createTable('mcp_sessions')
        .addColumn('session_id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_accessed', 'text', (c) => c.notNull())
        .addColumn('data', 'text')
        .execute();
      await db.schema
        .createIndex('mcp_sessions_last_accessed_idx')
        .on('mcp_sessions')
        .column('last_accessed')
        .execute();

      await autoId(db.schema.createTable('mcp_messages'))
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_accessed', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('mcp_messages_session_idx')
        .on('mcp_messages')
        .columns(['session_id', 'id'])
        .execute();

      await db.schema
        .createTable('roots')
        .addColumn('uri', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
