// The value types of configuration variables, read as ContextForge (pydantic) reads them so its `.env` files work here.
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

const TRUE = ['true', '1', 'yes', 'on', 't', 'y'];
const FALSE = ['false', '0', 'no', 'off', 'f', 'n'];

/** Booleans in any case, with pydantic's spellings: true/false, 1/0, yes/no, on/off. */
export const bool = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.enum([...TRUE, ...FALSE], { error: 'use true or false (also 1/0, yes/no, on/off)' }))
  .transform((v) => TRUE.includes(v));

export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * One of `values`, in any case; `aliases` maps other accepted spellings (lower case) onto them, e.g.
 * ContextForge's `WARNING` onto `warn`.
 */
export const choice = <const T extends readonly [string, ...string[]]>(
  values: T,
  aliases: Readonly<Record<string, T[number]>> = {},
) => {
  const accepted = [...values, ...Object.keys(aliases)].join(', ');
  return z
    .string()
    .transform((v) => {
      const lower = v.trim().toLowerCase();
      return aliases[lower] ?? lower;
    })
    .pipe(z.enum(values, { error: `use one of ${accepted}` }));
};

/**
 * A list written as a JSON array (`["a","b"]`, ContextForge's form) or comma-separated (`a, b`); one pair of
 * outer quotes is dropped first, as ContextForge does for values passed through shells and compose files.
 */
export const list = z.string().transform((raw, ctx): string[] => {
  let text = raw.trim();
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text.endsWith(text[0])) {
    text = text.slice(1, -1).trim();
  }
  if (!text.startsWith('[')) {
    return text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    ctx.addIssue({
      code: 'custom',
      message: 'use a JSON list of strings ["a","b"] or a comma-separated list a,b',
    });
    return z.NEVER;
  }
  return parsed.map((s) => s.trim()).filter((s) => s.length > 0);
});

const isNetwork = (text: string): boolean => {
  try {
    ipaddr.parseCIDR(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
    return true;
  } catch {
    return false;
  }
};

/** A list of CIDRs (or single addresses), checked here so a bad one stops start-up and --validate-config alike. */
export const networkList = list.superRefine((networks, ctx) => {
  for (const network of networks) {
    if (!isNetwork(network)) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(network)} is not a CIDR such as 10.1.0.0/16 or fd12::/64`,
      });
    }
  }
});

/** ContextForge writes SQLAlchemy URLs (`postgresql+psycopg://`); the driver suffix means nothing here. */
export const databaseUrl = z
  .string()
  .transform((v) => v.trim().replace(/^postgres(ql)?\+[a-z0-9_]+:\/\//i, 'postgresql://'))
  .pipe(
    z.string().regex(/^(sqlite:\/\/\/|postgres(ql)?:\/\/)/, 'must start with sqlite:/// or postgresql://'),
  );
