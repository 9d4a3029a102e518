// A few stored credentials of a database, so a restore can prove the current key decrypts them.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { SECRET_TABLES } from './snapshot-facts.js';

export interface StoredSecret {
  table: (typeof SECRET_TABLES)[number];
  id: string;
  token: string;
}

export async function sampleSecrets(db: Kysely<Database>, perTable = 5): Promise<StoredSecret[]> {
  const sample: StoredSecret[] = [];
  for (const table of SECRET_TABLES) {
    const rows = await db
      .selectFrom(table)
      .select(['id', 'auth_value'])
      .where('auth_value', 'is not', null)
      .orderBy('id')
      .limit(perTable)
      .execute();
    for (const row of rows)
      if (row.auth_value !== null) sample.push({ table, id: row.id, token: row.auth_value });
  }
  return sample;
}
