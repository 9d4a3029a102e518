// /export, /export/selective, /import, /import/status/{id}: moving the registry in and out (admin only).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseWith } from '../../errors/parse-with.js';
import { ENTITY_TYPES, SECRETS_MODES } from '../../transfer/export-format.js';
import type { TransferService } from '../../transfer/service.js';
import { CONFLICT_STRATEGIES } from '../../transfer/upsert.js';
import { principalOf } from '../plugins/auth.js';
import { idOf } from './route-kit.js';

/** An export of a large registry is larger than an ordinary request: the most MAX_BODY_BYTES allows. */
const IMPORT_BODY_LIMIT = 104_857_600;

const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((v) => v === true || v === 'true' || v === '1');
const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s.length > 0),
  );
const entityType = z.enum(ENTITY_TYPES);

const exportQuery = z.object({
  types: list.pipe(z.array(entityType)),
  // Unknown names are ignored, as ContextForge does (its docs exclude "metrics").
  exclude_types: list
    .transform((l) => l.filter((t) => (ENTITY_TYPES as readonly string[]).includes(t)))
    .pipe(z.array(entityType)),
  tags: list,
  include_inactive: bool.optional().default(false),
  include_dependencies: bool.optional().default(true),
  secrets: z.enum(SECRETS_MODES).optional().default('key'),
});

const selectiveBody = z
  .object({
    ...Object.fromEntries(
      ENTITY_TYPES.map((t) => [t, z.array(z.string().min(1).max(2048)).max(10_000).optional()]),
    ),
    include_dependencies: z.boolean().optional(),
    secrets: z.enum(SECRETS_MODES).optional().default('key'),
    passphrase: z.string().max(1024).optional(),
  })
  .strict();

const importBody = z.object({
  import_data: z.record(z.string(), z.unknown(), {
    error: 'import_data: required (the export file as a JSON object)',
  }),
  conflict_strategy: z.enum(CONFLICT_STRATEGIES).optional().default('update'),
  dry_run: z.boolean().optional().default(false),
  rekey_secret: z.string().min(1).max(1024).nullish(),
  selected_entities: z.partialRecord(entityType, z.array(z.string().max(2048))).nullish(),
  continue_on_error: z.boolean().optional().default(false),
});

export function transferRoutes(app: FastifyInstance, deps: { transfer: TransferService }): void {
  const { transfer } = deps;

  app.get('/export', { config: { auth: 'admin' } }, async (request, reply) => {
    const q = parseWith(exportQuery, request.query);
    // A passphrase never rides in a URL (logs, history): it comes in a header.
    const passphrase = request.headers['x-export-passphrase'];
    const doc = await transfer.exportAll(
      {
        types: q.types,
        excludeTypes: q.exclude_types,
        tags: q.tags,
        includeInactive: q.include_inactive,
        includeDependencies: q.include_dependencies,
        secrets: q.secrets,
        passphrase: typeof passphrase === 'string' ? passphrase : undefined,
      },
      principalOf(request),
    );
    reply.header(
      'content-disposition',
      `attachment; filename="mcpgateway-export-${doc.exported_at.slice(0, 19).replace(/:/g, '')}.json"`,
    );
    return doc;
  });

  app.post('/export/selective', { config: { auth: 'admin' } }, async (request) => {
    const body = parseWith(selectiveBody, request.body ?? {});
    const { include_dependencies, secrets, passphrase, ...selection } = body;
    const query = parseWith(z.object({ include_dependencies: bool.optional() }), request.query);
    return transfer.exportSelected(
      selection,
      include_dependencies ?? query.include_dependencies ?? true,
      { secrets, passphrase },
      principalOf(request),
    );
  });

  app.post('/import', { config: { auth: 'admin' }, bodyLimit: IMPORT_BODY_LIMIT }, async (request) => {
    const body = parseWith(importBody, request.body);
    return transfer.import(
      {
        data: body.import_data,
        strategy: body.conflict_strategy,
        dryRun: body.dry_run,
        continueOnError: body.continue_on_error,
        sourceSecret: body.rekey_secret ?? undefined,
        selection: body.selected_entities ?? undefined,
      },
      principalOf(request),
    );
  });

  app.get('/import/status/:id', { config: { auth: 'admin' } }, (request) => transfer.status(idOf(request)));
}
