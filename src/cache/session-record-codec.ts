// Session records as stored text (a JSON body, or a hash of JSON fields) and the immutable edits the shared backends apply to them.
import { AppError } from '../errors/app-error.js';
import type { NewSession, SessionRecord, SessionTransportKind } from './session-store.js';

/** What a backend keeps besides the id and the two timestamps (which it may hold in columns of its own). */
export type SessionBody = Omit<SessionRecord, 'id' | 'createdAt' | 'lastAccessedAt'>;

export interface SessionTimes {
  createdAt: number;
  lastAccessedAt: number;
}

const TRANSPORTS: ReadonlySet<string> = new Set<SessionTransportKind>(['streamable-http', 'sse', 'ws']);

export function newSessionRecord(id: string, init: NewSession, now: number): SessionRecord {
  return freezeRecord({
    id,
    subject: init.subject,
    serverId: init.serverId,
    transport: init.transport,
    protocolVersion: null,
    clientInfo: null,
    clientCapabilities: {},
    logLevel: null,
    subscriptions: [],
    createdAt: now,
    lastAccessedAt: now,
  });
}

/** A frozen copy, so callers cannot change what the store hands out. */
export function freezeRecord(record: SessionRecord): SessionRecord {
  return Object.freeze({ ...record, subscriptions: Object.freeze([...record.subscriptions]) });
}

export function withSubscription(record: SessionRecord, uri: string): SessionRecord {
  if (record.subscriptions.includes(uri)) return record;
  return { ...record, subscriptions: [...record.subscriptions, uri] };
}

export function withoutSubscription(record: SessionRecord, uri: string): SessionRecord {
  return { ...record, subscriptions: record.subscriptions.filter((s) => s !== uri) };
}

/** The body as one JSON text: the database keeps id and timestamps in their own columns. */
export function encodeSessionBody(record: SessionRecord): string {
  const body: SessionBody = {
    subject: record.subject,
    serverId: record.serverId,
    transport: record.transport,
    protocolVersion: record.protocolVersion,
    clientInfo: record.clientInfo,
    clientCapabilities: record.clientCapabilities,
    logLevel: record.logLevel,
    subscriptions: record.subscriptions,
  };
  return JSON.stringify(body);
}

export function decodeSessionBody(id: string, text: string, times: SessionTimes): SessionRecord {
  const value = parseJson(id, text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw corrupt(id);
  // A Map, not the parsed object: field look-ups never reach Object.prototype.
  return decodeSessionFields(id, new Map(Object.entries(value)), times);
}

/** Every field but the id, each value as JSON text, for backends that store a hash (Redis). */
export function encodeSessionFields(record: SessionRecord): [field: string, json: string][] {
  const { id: _id, ...fields } = record;
  return Object.entries(fields).map(([field, value]) => [field, JSON.stringify(value)]);
}

/** Reads a hash written by encodeSessionFields (and changed field by field since). */
export function decodeSessionHash(id: string, hash: ReadonlyMap<string, string>): SessionRecord {
  const fields = new Map<string, unknown>();
  for (const [field, json] of hash) fields.set(field, parseJson(id, json));
  return decodeSessionFields(id, fields);
}

/**
 * Builds the record from decoded fields; `times` overrides the fields' own timestamps. The store wrote
 * them, so a malformed field is corruption (Internal), not a client error.
 */
function decodeSessionFields(
  id: string,
  fields: ReadonlyMap<string, unknown>,
  times?: SessionTimes,
): SessionRecord {
  const createdAt = times?.createdAt ?? fields.get('createdAt');
  const lastAccessedAt = times?.lastAccessedAt ?? fields.get('lastAccessedAt');
  const subject = fields.get('subject');
  const transport = fields.get('transport');
  const subscriptions = fields.get('subscriptions');
  const serverId = fields.get('serverId') ?? null;
  const protocolVersion = fields.get('protocolVersion') ?? null;
  const logLevel = fields.get('logLevel') ?? null;
  const clientInfo = fields.get('clientInfo') ?? null;
  const clientCapabilities = fields.get('clientCapabilities') ?? {};
  if (
    typeof subject !== 'string' ||
    typeof transport !== 'string' ||
    !TRANSPORTS.has(transport) ||
    typeof createdAt !== 'number' ||
    typeof lastAccessedAt !== 'number' ||
    !isStringArray(subscriptions) ||
    !isStringOrNull(serverId) ||
    !isStringOrNull(protocolVersion) ||
    !isStringOrNull(logLevel) ||
    typeof clientInfo !== 'object' ||
    typeof clientCapabilities !== 'object' ||
    clientCapabilities === null
  )
    throw corrupt(id);
  // The nested values were written by this module from typed records, so they keep their stored types.
  return freezeRecord({
    id,
    subject,
    serverId,
    transport: transport as SessionTransportKind,
    protocolVersion,
    clientInfo: clientInfo as SessionRecord['clientInfo'],
    clientCapabilities,
    logLevel: logLevel as SessionRecord['logLevel'],
    subscriptions,
    createdAt,
    lastAccessedAt,
  });
}

const isStringOrNull = (value: unknown): value is string | null =>
  value === null || typeof value === 'string';

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((s) => typeof s === 'string');

function parseJson(id: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw corrupt(id, error);
  }
}

function corrupt(id: string, cause?: unknown): AppError {
  return new AppError({ code: 'Internal', message: `Stored MCP session ${id} is malformed`, cause });
}
