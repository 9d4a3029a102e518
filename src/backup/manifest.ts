// The manifest every backup artifact carries: what it holds, how to check it, and which key its secrets need.
import { z } from 'zod';
import { PAYLOAD_KINDS } from '../store/snapshot/snapshot-facts.js';

export const manifestSchema = z.object({
  format: z.literal('mcpgateway-backup'),
  formatVersion: z.literal(1),
  appVersion: z.string(),
  /** The last migration applied to the copied database. */
  schemaVersion: z.string().min(1),
  createdAt: z.string(),
  database: z.object({
    kind: z.enum(['sqlite', 'postgres']),
    payload: z.enum(PAYLOAD_KINDS),
    /** PostgreSQL: the schema copied (restored under the same name). */
    schema: z.string().optional(),
  }),
  rowCounts: z.record(z.string(), z.number().int().nonnegative()),
  encryptedSecrets: z.object({ tools: z.number().int(), gateways: z.number().int() }),
  payload: z.object({ bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  /** SecretBox.fingerprint of AUTH_ENCRYPTION_SECRET (a hash of the derived key, never the secret). */
  keyFingerprint: z.string(),
});

export type Manifest = z.infer<typeof manifestSchema>;

/** How a manifest reads on a terminal (verify, backup list). */
export function describeManifest(m: Manifest): string {
  const rows = Object.entries(m.rowCounts)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t}=${n}`)
    .join(' ');
  return [
    `created      ${m.createdAt} by mcpgateway ${m.appVersion}`,
    `database     ${m.database.kind} (${m.database.payload}${m.database.schema === undefined ? '' : `, schema ${m.database.schema}`})`,
    `schema       ${m.schemaVersion}`,
    `payload      ${m.payload.bytes} bytes, sha256 ${m.payload.sha256}`,
    `key          fingerprint ${m.keyFingerprint}; ${m.encryptedSecrets.tools + m.encryptedSecrets.gateways} encrypted credentials`,
    `rows         ${rows === '' ? '(empty)' : rows}`,
  ].join('\n');
}
