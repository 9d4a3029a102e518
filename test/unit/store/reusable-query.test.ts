import { describe, expect, it } from 'vitest';
import { reusableQuery } from '../../../src/store/reusable-query.js';
import { backends } from '../../helpers/backends.js';

describe.each(backends())('reusableQuery ($name)', (backend) => {
  it('runs the compiled query with new values in the markers’ places, and refuses a marker it cannot place', async () => {
    const opened = await backend.open();
    const store = opened.store;
    try {
      const now = new Date().toISOString();
      for (const id of ['a', 'b', 'c'])
        await store.db
          .insertInto('mcp_sessions')
          .values({ session_id: id, subject: `user-${id}`, created_at: now, last_accessed: now, data: '{}' })
          .execute();
      const bySubject = reusableQuery(
        store.db,
        store.db
          .selectFrom('mcp_sessions')
          .select('session_id')
          .where('subject', '=', '\0subject')
          .where('session_id', '!=', '\0not'),
        ['\0subject', '\0not'],
      );
      expect(await bySubject(['user-b', 'x'])).toEqual([{ session_id: 'b' }]);
      expect(await bySubject(['user-c', 'c'])).toEqual([]);
      expect(() =>
        reusableQuery(store.db, store.db.selectFrom('mcp_sessions').select('session_id'), ['\0missing']),
      ).toThrow(/must appear exactly once/);
    } finally {
      await opened.dispose();
    }
  });
});
