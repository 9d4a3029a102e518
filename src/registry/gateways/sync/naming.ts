// Federated names (DESIGN §2): slug + separator + upstream name, kept within ^[a-zA-Z0-9_-]{1,64}$ deterministically.
import { createHash } from 'node:crypto';

export type PrefixMode = 'always' | 'never' | 'conflict';

/** LLM providers reject tool names outside this pattern. */
export const FEDERATED_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
export const MAX_NAME_LENGTH = 64;
const HASH_LENGTH = 8;

function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HASH_LENGTH);
}

/**
 * `raw` itself when it already fits; otherwise its readable part (accents folded, other characters `_`),
 * truncated, plus `-` and a short hash of the whole original. The hash keeps names that differ only in the
 * characters we dropped (`a.b` vs `a_b`) or past the cut distinct, and the same input always gives the same name.
 */
export function safeName(raw: string): string {
  if (FEDERATED_NAME.test(raw)) return raw;
  const readable = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-zA-Z0-9_-]+/g, '_');
  const suffix = `-${shortHash(raw)}`;
  return readable.slice(0, MAX_NAME_LENGTH - suffix.length) + suffix;
}

/** `everything` + `-` + `echo` → `everything-echo` (then made safe as a whole). */
export function prefixedName(slug: string, upstreamName: string, separator: string): string {
  return safeName(`${slug}${separator}${upstreamName}`);
}

/**
 * The name to try first, and the one to fall back to when it is taken by something the gateway does not own
 * (only the `conflict` mode has a fallback: `never` means "exactly the upstream name or refuse").
 */
export function candidateNames(
  mode: PrefixMode,
  slug: string,
  upstreamName: string,
  separator: string,
): { first: string; fallback?: string } {
  switch (mode) {
    case 'always':
      return { first: prefixedName(slug, upstreamName, separator) };
    case 'never':
      return { first: safeName(upstreamName) };
    case 'conflict':
      return { first: safeName(upstreamName), fallback: prefixedName(slug, upstreamName, separator) };
  }
}
