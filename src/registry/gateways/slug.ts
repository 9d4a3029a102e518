// Slugs: the lower-case [a-z0-9-] form of a gateway name that prefixes its federated tool names.

/** "My Gateway_2 (prod)" → "my-gateway-2-prod"; accents are folded, everything else becomes a single hyphen. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
