// RootService: the roots list ContextForge exposes at /roots (uri + name); typed input, no HTTP here.
import { conflict, notFound } from '../../errors/app-error.js';
import { nowIso } from '../../lib/ids.js';
import type { Store } from '../../store/db.js';
import { RootsRepo } from '../../store/repos/roots.js';
import { uniqueViolationColumn } from '../../store/unique-violation.js';
import type { RootCreate } from './schema.js';

export interface RootRead {
  uri: string;
  name: string | null;
}

export class RootService {
  readonly #repo: RootsRepo;

  constructor(opts: { store: Store }) {
    this.#repo = new RootsRepo(opts.store.db);
  }

  async list(): Promise<RootRead[]> {
    return (await this.#repo.list()).map((r) => ({ uri: r.uri, name: r.name }));
  }

  async add(input: RootCreate): Promise<RootRead> {
    const root = { uri: input.uri, name: input.name ?? null };
    try {
      await this.#repo.insert({ ...root, created_at: nowIso() });
    } catch (error) {
      if (uniqueViolationColumn(error) === undefined) throw error;
      throw conflict(`A root with uri "${root.uri}" already exists`, { field: 'uri' });
    }
    return root;
  }

  async remove(uri: string): Promise<void> {
    if (!(await this.#repo.delete(uri))) throw notFound('Root', uri);
  }
}
