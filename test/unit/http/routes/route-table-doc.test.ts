import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRouteTable } from '../../../helpers/route-table.js';

describe('docs/api.md', () => {
  it('lists every route with its auth decision', async () => {
    const doc = readFileSync(new URL('../../../../docs/api.md', import.meta.url), 'utf8');
    const missing = (await renderRouteTable()).split('\n').filter((row) => row !== '' && !doc.includes(row));
    expect(missing, 'add these rows to the route table in docs/api.md').toEqual([]);
  });
});
