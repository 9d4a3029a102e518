// Identifiers: 32-hex-character ids as ContextForge issues them, and ISO timestamps as the store keeps them.
import { randomUUID } from 'node:crypto';

export function newId(): string {
  return randomUUID().replaceAll('-', '');
}

export function nowIso(): string {
  return new Date().toISOString();
}
