// Resource content as stored: text or bytes (sent as base64), its size in bytes, and a media type when none is given.
import { invalid } from '../../errors/app-error.js';

export interface StoredContent {
  text_content: string | null;
  binary_content: Uint8Array | null;
  size: number;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Text is kept as sent; base64 must be canonical (line breaks allowed) so that a read returns what was written. */
export function toStoredContent(content: string, encoding: 'text' | 'base64'): StoredContent {
  if (encoding === 'text') {
    return { text_content: content, binary_content: null, size: Buffer.byteLength(content, 'utf8') };
  }
  const compact = content.replace(/[\r\n]/g, '');
  if (!BASE64.test(compact)) {
    throw invalid('Invalid request: content: is not valid base64 (content_encoding is "base64")', {
      field: 'content',
    });
  }
  const bytes = Buffer.from(compact, 'base64');
  return { text_content: null, binary_content: new Uint8Array(bytes), size: bytes.length };
}

/** The stored bytes as base64 for a read (the driver returns a Buffer or a Uint8Array). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const BY_EXTENSION = new Map<string, string>([
  ['txt', 'text/plain'],
  ['md', 'text/markdown'],
  ['markdown', 'text/markdown'],
  ['html', 'text/html'],
  ['htm', 'text/html'],
  ['css', 'text/css'],
  ['csv', 'text/csv'],
  ['xml', 'application/xml'],
  ['json', 'application/json'],
  ['yaml', 'application/yaml'],
  ['yml', 'application/yaml'],
  ['js', 'text/javascript'],
  ['ts', 'text/x-typescript'],
  ['py', 'text/x-python'],
  ['pdf', 'application/pdf'],
  ['png', 'image/png'],
  ['jpg', 'image/jpeg'],
  ['jpeg', 'image/jpeg'],
  ['gif', 'image/gif'],
  ['webp', 'image/webp'],
  ['svg', 'image/svg+xml'],
  ['zip', 'application/zip'],
]);

/** Guessed from the URI's extension as ContextForge does; otherwise text/plain for text and octet-stream for bytes. */
export function guessMimeType(uri: string, binary: boolean): string {
  const path = uri.replace(/[?#].*$/, '');
  const dot = path.lastIndexOf('.');
  const extension = dot > path.lastIndexOf('/') && dot !== -1 ? path.slice(dot + 1).toLowerCase() : '';
  return BY_EXTENSION.get(extension) ?? (binary ? 'application/octet-stream' : 'text/plain');
}
