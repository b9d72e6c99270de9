import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** One published file, held in memory with its compressed forms and validators. */
export type SnapshotEntry = {
  path: string;
  type: string;
  body: Buffer;
  gzip: Buffer;
  br: Buffer;
  etag: string;
  lastModified: Date;
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/rss+xml; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const COMPRESSIBLE = /^(text\/|application\/(json|rss\+xml|manifest\+json)|image\/svg)/;

/**
 * Where a URL path lives on disk, for any static host: pages as `dir/index.html`, so
 * `/incidents/INC-42` is `incidents/INC-42/index.html`; files with an extension as themselves.
 */
export function fileForPath(urlPath: string): string {
  if (urlPath === '/') return 'index.html';
  const clean = urlPath.replace(/^\/+/, '');
  return extname(clean) ? clean : `${clean}/index.html`;
}

export function pathForFile(file: string): string {
  const posix = file.split(sep).join('/');
  if (posix === 'index.html') return '/';
  return `/${posix.replace(/\/index\.html$/, '')}`;
}

export function makeEntry(path: string, content: string | Buffer, lastModified: Date): SnapshotEntry {
  const body = typeof content === 'string' ? Buffer.from(content) : content;
  const type = TYPES[extname(fileForPath(path))] ?? 'application/octet-stream';
  const compressible = COMPRESSIBLE.test(type);
  return {
    path,
    type,
    body,
    gzip: compressible ? gzipSync(body, { level: 9 }) : body,
    br: compressible
      ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
      : body,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    lastModified: new Date(Math.floor(lastModified.getTime() / 1000) * 1000),
  };
}

/**
 * The published site: every page, feed and JSON document, served from memory and mirrored
 * to `dir` so it survives a restart, a lost database, or a copy to a CDN. Files are written
 * to a temporary name and renamed into place, so a reader of the directory never sees half
 * a file.
 */
export class Snapshot {
  readonly #entries = new Map<string, SnapshotEntry>();
  readonly #dir: string | null;

  constructor(dir: string | null) {
    this.#dir = dir;
  }

  get(path: string): SnapshotEntry | undefined {
    return this.#entries.get(path);
  }

  get size(): number {
    return this.#entries.size;
  }

  paths(): string[] {
    return [...this.#entries.keys()].sort();
  }

  /**
   * Stores the files whose bytes changed and leaves the rest (with their validators) alone.
   * @returns the paths that changed.
   */
  put(files: ReadonlyMap<string, string | Buffer>, now: Date): string[] {
    const changed: string[] = [];
    for (const [path, content] of files) {
      const body = typeof content === 'string' ? Buffer.from(content) : content;
      const current = this.#entries.get(path);
      if (current && current.body.equals(body)) continue;
      const entry = makeEntry(path, body, now);
      if (this.#dir) writeAtomically(join(this.#dir, fileForPath(path)), body);
      this.#entries.set(path, entry);
      changed.push(path);
    }
    return changed;
  }

  /** Loads what a previous run published, so readers are served before the database answers. */
  loadFromDisk(): number {
    if (!this.#dir) return 0;
    let count = 0;
    for (const file of walk(this.#dir)) {
      if (file.includes('.tmp-')) continue;
      const full = join(this.#dir, file);
      this.#entries.set(pathForFile(file), makeEntry(pathForFile(file), readFileSync(full), statSync(full).mtime));
      count += 1;
    }
    return count;
  }

  /** Writes every entry under `dir`: the whole site, for any static host. */
  exportTo(dir: string): number {
    for (const entry of this.#entries.values()) writeAtomically(join(dir, fileForPath(entry.path)), entry.body);
    return this.#entries.size;
  }
}

function writeAtomically(file: string, body: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, body);
  renameSync(temp, file);
}

/** Every file below `root`, as paths relative to it. */
export function* walk(root: string, dir: string = root): Generator<string> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yield* walk(root, full);
    else yield relative(root, full);
  }
}
