// assignNames: the registry name of each discovered tool or prompt, refusing (409) a name someone else already holds.
import { conflict } from '../../../errors/app-error.js';
import type { DiscoveredRepo, NameHolder } from '../../../store/repos/discovered.js';
import { candidateNames, type PrefixMode } from './naming.js';

export interface NamingContext {
  gatewayId: string;
  gatewayName: string;
  slug: string;
  mode: PrefixMode;
  separator: string;
}

export interface Wanted {
  upstreamName: string;
  /** An admin's rename of the federated tool (tools.custom_name): kept across refreshes. */
  customName?: string | undefined;
}

function describeHolder(kind: string, holder: NameHolder): string {
  return holder.gatewayName === null
    ? `the existing ${kind} "${holder.name}" (id ${holder.id}, not federated)`
    : `the existing ${kind} "${holder.name}" (id ${holder.id}) from gateway "${holder.gatewayName}"`;
}

/**
 * Maps each upstream name to its registry name. In `conflict` mode the bare name is used unless another
 * owner holds it; otherwise a name held by another owner is a 409 naming both sides, and nothing is written.
 */
export async function assignNames(
  repo: DiscoveredRepo,
  table: 'tools' | 'prompts',
  ctx: NamingContext,
  wanted: readonly Wanted[],
): Promise<Map<string, string>> {
  const kind = table === 'tools' ? 'tool' : 'prompt';
  const options = wanted.map((w) =>
    w.customName
      ? { first: w.customName }
      : candidateNames(ctx.mode, ctx.slug, w.upstreamName, ctx.separator),
  );
  const holders = await repo.nameHolders(
    table,
    ctx.gatewayId,
    options.flatMap((o) => (o.fallback === undefined ? [o.first] : [o.first, o.fallback])),
  );
  const assigned = new Map<string, string>();
  const usedBy = new Map<string, string>();
  for (const [i, w] of wanted.entries()) {
    const o = options[i]!;
    const name = holders.has(o.first) && o.fallback !== undefined ? o.fallback : o.first;
    const holder = holders.get(name);
    if (holder !== undefined)
      throw conflict(
        `The ${kind} name "${name}" for upstream ${kind} "${w.upstreamName}" of gateway "${ctx.gatewayName}" clashes with ${describeHolder(kind, holder)}: rename one of them or choose another prefix mode`,
        { field: 'name', name, existingId: holder.id },
      );
    const other = usedBy.get(name);
    if (other !== undefined)
      throw conflict(
        `Upstream ${kind}s "${other}" and "${w.upstreamName}" of gateway "${ctx.gatewayName}" would both be named "${name}"`,
        { field: 'name', name },
      );
    usedBy.set(name, w.upstreamName);
    assigned.set(w.upstreamName, name);
  }
  return assigned;
}
