// The artifact container: one file, read front to back.
//   bytes 0-7   "MCPGWBAK"             magic
//   bytes 8-11  uint32 BE              container version (1)
//   bytes 12-15 uint32 BE              manifest length M
//   next M      UTF-8 JSON             the manifest (manifest.ts)
//   the rest    payload                a SQLite file, a pg_dump -Fc archive or a logical dump;
//                                      exactly manifest.payload.bytes long, SHA-256 manifest.payload.sha256
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { AppError } from '../errors/app-error.js';
import { describeZodError } from '../errors/parse-with.js';
import { manifestSchema, type Manifest } from './manifest.js';

const MAGIC = Buffer.from('MCPGWBAK', 'latin1');
const CONTAINER_VERSION = 1;
const HEADER_BYTES = 16;
const MAX_MANIFEST_BYTES = 1 << 20;

export interface OpenedArtifact {
  path: string;
  manifest: Manifest;
  payloadOffset: number;
}

const refuse = (path: string, why: string): AppError =>
  new AppError({ code: 'Invalid', message: `${path} is not a usable backup: ${why}` });

export async function sha256OfFile(path: string, start = 0): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { start }), hash);
  return hash.digest('hex');
}

/** Writes header + manifest + payload to `dest` through a `.partial` file renamed at the end (no half artifact). */
export async function writeArtifact(dest: string, manifest: Manifest, payloadPath: string): Promise<void> {
  const json = Buffer.from(JSON.stringify(manifest), 'utf8');
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(CONTAINER_VERSION, 8);
  header.writeUInt32BE(json.length, 12);
  const partial = `${dest}.partial`;
  try {
    const out = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
    out.write(header);
    out.write(json);
    await pipeline(createReadStream(payloadPath), out);
    const handle = await open(partial, 'r');
    await handle.sync();
    await handle.close();
    await rename(partial, dest);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Reads and validates header and manifest, and checks the file holds exactly the payload the manifest names. */
export async function openArtifact(path: string): Promise<OpenedArtifact> {
  const size = (await stat(path).catch(() => undefined))?.size;
  if (size === undefined) throw new AppError({ code: 'NotFound', message: `No such backup file: ${path}` });
  const handle = await open(path, 'r');
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
    if (bytesRead < HEADER_BYTES || !header.subarray(0, 8).equals(MAGIC))
      throw refuse(path, 'it does not start with an MCP Gateway backup header');
    const version = header.readUInt32BE(8);
    if (version !== CONTAINER_VERSION)
      throw refuse(
        path,
        `container version ${version} is not ${CONTAINER_VERSION}: use the mcpgateway that wrote it`,
      );
    const length = header.readUInt32BE(12);
    if (length > MAX_MANIFEST_BYTES || HEADER_BYTES + length > size)
      throw refuse(path, 'the file is truncated (the manifest is incomplete)');
    const raw = Buffer.alloc(length);
    await handle.read(raw, 0, length, HEADER_BYTES);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw refuse(path, 'its manifest is not valid JSON (the file is corrupt)');
    }
    const parsed = manifestSchema.safeParse(json);
    if (!parsed.success) throw refuse(path, `its manifest is invalid: ${describeZodError(parsed.error)}`);
    const manifest = parsed.data;
    const payloadOffset = HEADER_BYTES + length;
    const actual = size - payloadOffset;
    if (actual < manifest.payload.bytes)
      throw refuse(path, `the file is truncated (payload ${actual} of ${manifest.payload.bytes} bytes)`);
    if (actual > manifest.payload.bytes)
      throw refuse(path, `${actual - manifest.payload.bytes} unexpected bytes follow the payload`);
    return { path, manifest, payloadOffset };
  } finally {
    await handle.close();
  }
}

/** Hashes the payload and compares it with the manifest's checksum. */
export async function checkPayloadChecksum(artifact: OpenedArtifact): Promise<void> {
  const actual = await sha256OfFile(artifact.path, artifact.payloadOffset);
  if (actual !== artifact.manifest.payload.sha256)
    throw refuse(
      artifact.path,
      `checksum mismatch (payload sha256 ${actual}, manifest says ${artifact.manifest.payload.sha256}): the file is corrupt`,
    );
}

export function payloadStream(artifact: OpenedArtifact): Readable {
  return createReadStream(artifact.path, { start: artifact.payloadOffset });
}

/** Copies the payload out to `dest` (which must not exist), synced to disk. */
export async function extractPayload(artifact: OpenedArtifact, dest: string): Promise<void> {
  await pipeline(payloadStream(artifact), createWriteStream(dest, { flags: 'wx', mode: 0o600 }));
  const handle = await open(dest, 'r');
  await handle.sync();
  await handle.close();
}
