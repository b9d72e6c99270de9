import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompressSync, constants, gunzipSync, gzip } from 'node:zlib';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

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

/**
 * A file with its compressed forms. Compression (brotli at its best quality, for the smallest
 * page on a phone) runs on libuv's thread pool, so a publish never blocks readers.
 */
export async function makeEntry(
  path: string,
  content: string | Buffer,
  lastModified: Date,
  compressed?: { gzip: Buffer; br: Buffer },
): Promise<SnapshotEntry> {
  const body = typeof content === 'string' ? Buffer.from(content) : content;
  const type = TYPES[extname(fileForPath(path))] ?? 'application/octet-stream';
  const compressible = COMPRESSIBLE.test(type);
  const [gzipped, brotli] = !compressible
    ? [body, body]
    : compressed
      ? [compressed.gzip, compressed.br]
      : await Promise.all([
        gzipAsync(body, { level: 9 }),
          brotliAsync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
        ]);
  return {
    path,
    type,
    body,
    gzip: gzipped,
    br: brotli,
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
  async put(files: ReadonlyMap<string, string | Buffer>, now: Date): Promise<string[]> {
    const changed = [...files]
      .map(([path, content]) => [path, typeof content === 'string' ? Buffer.from(content) : content] as const)
      .filter(([path, body]) => !this.#entries.get(path)?.body.equals(body));
    const entries = await Promise.all(changed.map(([path, body]) => makeEntry(path, body, now)));
    // Swapped in together, after all are ready: readers never see half a publish.
    for (const entry of entries) {
      if (this.#dir) writeEntry(this.#dir, entry);
      this.#entries.set(entry.path, entry);
    }
    return entries.map((e) => e.path);
  }

  /**
   * Loads what a previous run published, so readers are served before the database answers.
   * The compressed copies written beside each file are reused when they still match it, so a
   * restart does not recompress the whole site.
   */
  async loadFromDisk(): Promise<number> {
    if (!this.#dir) return 0;
    const dir = this.#dir;
    const files = [...walk(dir)].filter((file) => !file.includes('.tmp-') && !SIDECAR.test(file));
    const entries = await Promise.all(
      files.map((file) => {
        const full = join(dir, file);
        const body = readFileSync(full);
        return makeEntry(pathForFile(file), body, statSync(full).mtime, readSidecars(full, body));
      }),
    );
    for (const entry of entries) this.#entries.set(entry.path, entry);
    return entries.length;
  }

  /** Writes every entry under `dir`: the whole site, for any static host. */
  exportTo(dir: string): number {
    for (const entry of this.#entries.values()) writeEntry(dir, entry);
    return this.#entries.size;
  }
}

const SIDECAR = /\.(br|gz)$/;

/**
 * A file and, when compressible, its `.br` and `.gz` copies beside it — what nginx's
 * gzip_static/brotli_static and most CDNs serve as is, and what a restart reloads.
 */
function writeEntry(dir: string, entry: SnapshotEntry): void {
  const file = join(dir, fileForPath(entry.path));
  if (entry.gzip !== entry.body) {
    writeAtomically(`${file}.br`, entry.br);
    writeAtomically(`${file}.gz`, entry.gzip);
  }
  writeAtomically(file, entry.body);
}

/** The compressed copies of `file`, if both exist and still decompress to `body`. */
function readSidecars(file: string, body: Buffer): { gzip: Buffer; br: Buffer } | undefined {
  try {
    const br = readFileSync(`${file}.br`);
    const gz = readFileSync(`${file}.gz`);
    return brotliDecompressSync(br).equals(body) && gunzipSync(gz).equals(body) ? { gzip: gz, br } : undefined;
  } catch {
    return undefined;
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
