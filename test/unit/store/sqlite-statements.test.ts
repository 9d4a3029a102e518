import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from '../../../src/store/sqlite-statements.js';

describe('withStatementCache', () => {
  const handles: Database.Database[] = [];
  afterEach(() => {
    for (const h of handles.splice(0)) if (h.open) h.close();
  });

  function open(max?: number) {
    const handle = new Database(':memory:');
    handles.push(handle);
    let prepared = 0;
    const prepare = handle.prepare.bind(handle);
    handle.prepare = (text: string) => {
      prepared += 1;
      return prepare(text);
    };
    return { handle, cached: withStatementCache(handle, max), prepared: () => prepared };
  }

  it('prepares each SQL text once, and the statement answers every later query with its own parameters', async () => {
    const { cached, prepared } = open();
    const db = new Kysely<{ t: { id: number; name: string } }>({
      dialect: new SqliteDialect({ database: cached }),
    });
    await sql`create table t (id integer primary key, name text)`.execute(db);
    for (const [id, name] of [
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ] as const)
      await db.insertInto('t').values({ id, name }).execute();
    const names = [];
    for (const id of [3, 1, 2])
      names.push((await db.selectFrom('t').select('name').where('id', '=', id).executeTakeFirst())?.name);
    expect(names).toEqual(['c', 'a', 'b']);
    expect(prepared()).toBe(3); // create, insert, select
  });

  it('prepares a fresh statement while the cached one is held by an iterator', () => {
    const { handle, cached } = open();
    handle.exec('create table n (v integer); insert into n values (1), (2)');
    const first = cached.prepare('select v from n');
    const iterator = first.iterate([]);
    iterator.next();
    const second = cached.prepare('select v from n');
    expect(second).not.toBe(first);
    expect(second.all([])).toEqual([{ v: 1 }, { v: 2 }]);
    iterator.return?.();
    expect(cached.prepare('select v from n')).toBe(first);
  });

  it('keeps at most maxStatements texts, dropping the least recently used', () => {
    const { cached, prepared } = open(2);
    const a = cached.prepare('select 1');
    cached.prepare('select 2');
    expect(cached.prepare('select 1')).toBe(a);
    cached.prepare('select 3'); // evicts "select 2"
    cached.prepare('select 2');
    expect(prepared()).toBe(4);
  });
});
