/**
 * One published file as the snapshot holds it: its compressed forms and validators.
 */
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { compress, isCompressible, type CompressedForms, type Effort } from './compression.ts';
import { fileForPath } from './snapshot-files.ts';

/**
 * One published file with its validators. The compressed forms are held (every browser, CDN
 * and feed reader takes gzip or brotli); `body`, for clients that take neither, is decompressed
 * from the gzip copy, and kept for a while by the snapshot. A file that does not compress holds
 * its bytes in both fields.
 */
export type SnapshotEntry = {
  path: string;
  type: string;
  /** Whether `gzip` and `br` are compressed forms (false: both are the bytes themselves). */
  compressed: boolean;
  gzip: Buffer;
  br: Buffer;
  etag: string;
  lastModified: Date;
  /** The file's length in bytes, uncompressed. */
  size: number;
  /** The file's bytes. */
  readonly body: Buffer;
};

/** Where a compressed entry's bytes come from when asked for: decompressed each time unless the snapshot keeps them. */
export type IdentityBytes = (entry: SnapshotEntry) => Buffer;

export const decompressed: IdentityBytes = (entry) => (entry.compressed ? gunzipSync(entry.gzip) : entry.gzip);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/rss+xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
  '.ics': 'text/calendar; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export const typeOf = (path: string): string => TYPES[extname(fileForPath(path))] ?? 'application/octet-stream';
export const etagOf = (body: Buffer): string => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/**
 * A copy in memory of its own: zlib's and fs's small results are slices of shared 8 KB slabs,
 * and a kept slice would keep its whole slab.
 */
function own(bytes: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(copy);
  return copy;
}

/**
 * The entry for `body` at `path`. `forms`: its compressed forms when already made (read back
 * from disk), or the effort to make them with; a type that does not compress gets none.
 */
export async function makeEntry(
  path: string,
  body: Buffer,
  lastModified: Date,
  forms: CompressedForms | Effort,
  identity: IdentityBytes = decompressed,
): Promise<SnapshotEntry> {
  const type = typeOf(path);
  if (!isCompressible(type)) return entryOf(path, type, body, null, lastModified, identity);
  return entryOf(path, type, body, typeof forms === 'string' ? await compress(body, forms) : forms, lastModified, identity);
}

/** The same with the forms at hand (or none, for a type that does not compress). */
export function entryOf(
  path: string,
  type: string,
  body: Buffer,
  forms: CompressedForms | null,
  lastModified: Date,
  identity: IdentityBytes = decompressed,
): SnapshotEntry {
  const compressed = forms !== null;
  const gz = own(forms?.gzip ?? body);
  const br = forms ? own(forms.br) : gz;
  const entry: SnapshotEntry = {
    path,
    type,
    compressed,
    gzip: gz,
    br,
    etag: etagOf(body),
    lastModified: new Date(Math.floor(lastModified.getTime() / 1000) * 1000),
    size: body.length,
    get body() {
      return compressed ? identity(entry) : gz;
    },
  };
  return entry;
}
