import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, extname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzip, gzipSync } from 'node:zlib';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * One published file with its validators. Only the compressed forms are held (every browser,
 * CDN and feed reader takes gzip or brotli); the rare identity client gets `body`, which
 * decompresses the gzip copy. A file that does not compress holds its bytes in both fields.
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
  /** The file's bytes (decompressed on each call for a compressed file). */
  readonly body: Buffer;
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/rss+xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const COMPRESSIBLE = /^(text\/|application\/(json|rss\+xml|atom\+xml|manifest\+json)|image\/svg)/;

/**
 * Pages nobody reads often once published: an incident's or a window's permalink, a month of
 * history. With a snapshot directory they live on disk and are read (and kept for a while in
 * a small cache) when asked for; everything else stays in memory.
 */
const ARCHIVE = /^\/(incidents|maintenance)\/|\/history\/\d{4}\//;
const ARCHIVE_CACHE_BYTES = 8 * 1024 * 1024;

/** How hard to compress: `best` for what readers fetch most, `fast` for bulk (a full publish, an export). */
export type Effort = 'best' | 'fast';

/** Brotli's best quality is ~30× slower than quality 5 for ~3 % fewer bytes: worth it only on small, hot files. */
const BEST_BROTLI_MAX_BYTES = 24 * 1024;

/**
 * Where a URL path lives on disk, for any static host: pages as `dir/index.html`, so
 * `/incidents/INC-42` is `incidents/INC-42/index.html`; files with an extension as themselves.
 */
function fileForPath(urlPath: string): string {
  if (urlPath === '/') return 'index.html';
  const clean = urlPath.replace(/^\/+/, '');
  return extname(clean) ? clean : `${clean}/index.html`;
}

function pathForFile(file: string): string {
  const posix = file.split(sep).join('/');
  if (posix === 'index.html') return '/';
  return `/${posix.replace(/\/index\.html$/, '')}`;
}

const typeOf = (path: string) => TYPES[extname(fileForPath(path))] ?? 'application/octet-stream';
const etagOf = (body: Buffer) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/**
 * A copy in memory of its own: zlib's and fs's small results are slices of shared 8 KB slabs,
 * and a kept slice would keep its whole slab.
 */
function own(bytes: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(copy);
  return copy;
}

function entryOf(path: string, type: string, body: Buffer, forms: { gzip: Buffer; br: Buffer } | null, etag: string, lastModified: Date): SnapshotEntry {
  const compressed = forms !== null;
  const gz = own(forms?.gzip ?? body);
  const br = forms ? own(forms.br) : gz;
  return {
    path,
    type,
    compressed,
    gzip: gz,
    br,
    etag,
    lastModified: new Date(Math.floor(lastModified.getTime() / 1000) * 1000),
    size: body.length,
    get body() {
      return compressed ? gunzipSync(gz) : gz;
    },
  };
}

const brotliParams = (size: number, effort: Effort) => ({
  params: {
    [constants.BROTLI_PARAM_QUALITY]: effort === 'best' && size <= BEST_BROTLI_MAX_BYTES ? 11 : 5,
    [constants.BROTLI_PARAM_SIZE_HINT]: size,
    // A window no larger than the file: brotli's default (4 MB, more at quality 11) per stream is what a burst of compressions costs in memory.
    [constants.BROTLI_PARAM_LGWIN]: Math.max(16, Math.min(22, Math.ceil(Math.log2(size + 1)) + 1)),
  },
});

/** Compressions in flight at once: each holds its own window, and the thread pool has four threads anyway. */
const COMPRESSING = 4;
let compressing = 0;
const queued: (() => void)[] = [];
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (compressing >= COMPRESSING) await new Promise<void>((resolve) => queued.push(resolve));
  compressing++;
  try {
    return await work();
  } finally {
    compressing--;
    queued.shift()?.();
  }
}

/**
 * A file with its compressed forms, compressed on libuv's thread pool so a publish never
 * blocks readers.
 */
async function makeEntry(
  path: string,
  content: string | Buffer,
  lastModified: Date,
  compressed?: { gzip: Buffer; br: Buffer },
  effort: Effort = 'best',
): Promise<SnapshotEntry> {
  const body = typeof content === 'string' ? Buffer.from(content) : content;
  const type = typeOf(path);
  if (!COMPRESSIBLE.test(type)) return entryOf(path, type, body, null, etagOf(body), lastModified);
  const forms: { gzip: Buffer; br: Buffer } =
    compressed ??
    (await limited(() => Promise.all([gzipAsync(body, { level: effort === 'best' ? 9 : 6 }), brotliAsync(body, brotliParams(body.length, effort))])).then(([gz, br]) => ({ gzip: gz, br })));
  return entryOf(path, type, body, forms, etagOf(body), lastModified);
}

/**
 * The published site: every page, feed and JSON document, served from memory (archive pages
 * from disk) and mirrored to `dir` so it survives a restart, a lost database, or a copy to a
 * CDN. Files are written to a temporary name and renamed into place, so a reader of the
 * directory never sees half a file.
 */
export class Snapshot {
  /**
   * Every published path: its entry, or, while it is only on disk, the file's size (what the
   * metrics report, known without reading the file).
   */
  readonly #slots = new Map<string, SnapshotEntry | number>();
  /** Archive entries read from disk lately, oldest first. */
  readonly #cache = new Map<string, SnapshotEntry>();
  #cacheBytes = 0;
  readonly #dir: string | null;

  constructor(dir: string | null) {
    this.#dir = dir;
  }

  get dir(): string | null {
    return this.#dir;
  }

  get(path: string): SnapshotEntry | undefined {
    const slot = this.#slots.get(path);
    if (typeof slot !== 'number') return slot;
    const cached = this.#cache.get(path);
    if (cached) {
      this.#cache.delete(path);
      this.#cache.set(path, cached);
      return cached;
    }
    const loaded = this.#readFromDisk(path);
    if (!loaded) return undefined;
    this.#remember(loaded);
    return loaded;
  }

  has(path: string): boolean {
    return this.#slots.has(path);
  }

  get size(): number {
    return this.#slots.size;
  }

  paths(): string[] {
    return [...this.#slots.keys()].sort();
  }

  /**
   * How many files are published and their bytes, uncompressed: from what each publish
   * recorded, so asking never reads an archive page from disk (a metrics scrape asks every
   * 15 s, and there may be tens of thousands).
   */
  stats(): { files: number; bytes: number } {
    let bytes = 0;
    for (const slot of this.#slots.values()) bytes += typeof slot === 'number' ? slot : slot.size;
    return { files: this.#slots.size, bytes };
  }

  /**
   * Stores the files whose bytes changed and leaves the rest (with their validators) alone.
   * @returns the paths that changed.
   */
  async put(files: ReadonlyMap<string, string | Buffer>, now: Date, effort: Effort | ((path: string) => Effort) = 'best'): Promise<string[]> {
    const changed: [string, Buffer][] = [];
    for (const [path, content] of files) {
      const body = typeof content === 'string' ? Buffer.from(content) : content;
      if (!this.#same(path, body)) changed.push([path, body]);
    }
    const entries = await Promise.all(changed.map(([path, body]) => makeEntry(path, body, now, undefined, typeof effort === 'function' ? effort(path) : effort)));
    if (this.#dir) {
      const dir = this.#dir;
      await Promise.all(entries.map((entry, i) => writeEntry(dir, entry, (changed[i] as [string, Buffer])[1])));
    }
    // Swapped in together, after all are written: readers never see half a publish.
    for (const entry of entries) {
      const archived = this.#dir !== null && ARCHIVE.test(entry.path);
      this.#slots.set(entry.path, archived ? entry.size : entry);
      if (archived && this.#cache.has(entry.path)) this.#remember(entry);
    }
    return entries.map((e) => e.path);
  }

  /**
   * Loads what a previous run published, so readers are served before the database answers:
   * live files into memory (reusing the compressed copies beside each file when they still
   * match it), archive pages as names only, read when first asked for.
   */
  async loadFromDisk(): Promise<number> {
    if (!this.#dir) return 0;
    const dir = this.#dir;
    const files = [...walk(dir)].filter((file) => !file.includes('.tmp-') && !SIDECAR.test(file) && !file.startsWith('.'));
    const live: string[] = [];
    for (const file of files) {
      const path = pathForFile(file);
      if (ARCHIVE.test(path)) this.#slots.set(path, statSync(join(dir, file)).size);
      else live.push(file);
    }
    const entries = await Promise.all(
      live.map((file) => {
        const full = join(dir, file);
        const body = readFileSync(full);
        return makeEntry(pathForFile(file), body, statSync(full).mtime, readSidecars(full, body));
      }),
    );
    for (const entry of entries) this.#slots.set(entry.path, entry);
    return files.length;
  }

  /** Writes every entry under `dir`: the whole site, for any static host. */
  exportTo(dir: string): number {
    for (const path of this.#slots.keys()) {
      const entry = this.get(path);
      if (entry) writeEntrySync(dir, entry);
    }
    return this.#slots.size;
  }

  /** Reads a small JSON note kept beside the files (not part of the site), or null. */
  readNote<T>(name: string): T | null {
    if (!this.#dir) return null;
    try {
      return JSON.parse(readFileSync(join(this.#dir, `.${name}.json`), 'utf8')) as T;
    } catch {
      return null;
    }
  }

  async writeNote(name: string, value: unknown): Promise<void> {
    if (!this.#dir) return;
    await writeAtomically(join(this.#dir, `.${name}.json`), Buffer.from(JSON.stringify(value)));
  }

  #same(path: string, body: Buffer): boolean {
    const slot = this.#slots.get(path);
    if (slot === undefined) return false;
    if (typeof slot !== 'number') return slot.etag === etagOf(body);
    // Only on disk: a different length is a different file, without reading it.
    if (slot !== body.length) return false;
    try {
      return readFileSync(join(this.#dir as string, fileForPath(path))).equals(body);
    } catch {
      return false;
    }
  }

  #readFromDisk(path: string): SnapshotEntry | null {
    if (!this.#dir) return null;
    const full = join(this.#dir, fileForPath(path));
    try {
      const body = readFileSync(full);
      const type = typeOf(path);
      const mtime = statSync(full).mtime;
      if (!COMPRESSIBLE.test(type)) return entryOf(path, type, body, null, etagOf(body), mtime);
      const forms = readSidecars(full, body) ?? {
        gzip: gzipSync(body, { level: 6 }),
        br: brotliCompressSync(body, brotliParams(body.length, 'fast')),
      };
      return entryOf(path, type, body, forms, etagOf(body), mtime);
    } catch {
      return null;
    }
  }

  #remember(entry: SnapshotEntry): void {
    const old = this.#cache.get(entry.path);
    if (old) this.#cacheBytes -= old.gzip.length + old.br.length;
    this.#cache.delete(entry.path);
    this.#cache.set(entry.path, entry);
    this.#cacheBytes += entry.gzip.length + entry.br.length;
    for (const [path, e] of this.#cache) {
      if (this.#cacheBytes <= ARCHIVE_CACHE_BYTES) break;
      this.#cache.delete(path);
      this.#cacheBytes -= e.gzip.length + e.br.length;
    }
  }
}

const SIDECAR = /\.(br|gz)$/;

/**
 * A file and, when compressible, its `.br` and `.gz` copies beside it — what nginx's
 * gzip_static/brotli_static and most CDNs serve as is, and what a restart reloads.
 */
async function writeEntry(dir: string, entry: SnapshotEntry, body: Buffer): Promise<void> {
  const file = join(dir, fileForPath(entry.path));
  await mkdir(dirname(file), { recursive: true });
  if (entry.compressed) await Promise.all([writeAtomically(`${file}.br`, entry.br), writeAtomically(`${file}.gz`, entry.gzip)]);
  await writeAtomically(file, body);
}

function writeEntrySync(dir: string, entry: SnapshotEntry): void {
  const file = join(dir, fileForPath(entry.path));
  mkdirSync(dirname(file), { recursive: true });
  const write = (name: string, bytes: Buffer) => {
    const temp = `${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    writeFileSync(temp, bytes);
    renameSync(temp, name);
  };
  if (entry.compressed) {
    write(`${file}.br`, entry.br);
    write(`${file}.gz`, entry.gzip);
  }
  write(file, entry.body);
}

/** The compressed copies of `file`, if both exist and still decompress to `body`. */
function readSidecars(file: string, body: Buffer): { gzip: Buffer; br: Buffer } | undefined {
  try {
    if (!existsSync(`${file}.br`)) return undefined;
    const br = readFileSync(`${file}.br`);
    const gz = readFileSync(`${file}.gz`);
    return brotliDecompressSync(br).equals(body) && gunzipSync(gz).equals(body) ? { gzip: gz, br } : undefined;
  } catch {
    return undefined;
  }
}

async function writeAtomically(file: string, body: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(temp, body);
  await rename(temp, file);
}

/** Every file below `root`, as paths relative to it. */
export function* walk(root: string, dir: string = root): Generator<string> {
  let names: import('node:fs').Dirent[];
  try {
    names = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const name of names) {
    const full = join(dir, name.name);
    if (name.isDirectory()) yield* walk(root, full);
    else yield relative(root, full);
  }
}
