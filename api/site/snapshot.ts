/**
 * The published site: every page, feed and JSON document, served from memory. With a
 * directory, it is mirrored there (disk-mirror.ts) so it survives a restart, a lost database,
 * or a copy to a CDN; pages nobody reads often once published then live on disk only and are
 * read back when asked for.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from '../platform/log/log.ts';
import { ByteLru } from './byte-lru.ts';
import { compressNow, isCompressible, type Effort } from './compression.ts';
import { createDiskMirror, type DiskMirror, type MirrorStatus } from './disk-mirror.ts';
import { decompressed, entryOf, etagOf, makeEntry, typeOf, type IdentityBytes, type SnapshotEntry } from './snapshot-entry.ts';
import { fileForPath, pathForFile, publishedFiles, readNoteFile, readSidecars } from './snapshot-files.ts';

export type { SnapshotEntry } from './snapshot-entry.ts';
export { walk } from './snapshot-files.ts';

/**
 * Pages nobody reads often once published: an incident's or a window's permalink, a month of
 * history. With a snapshot directory they live on disk once written there, and are read (and
 * kept for a while) when asked for; everything else stays in memory.
 */
const ARCHIVE = /^\/(incidents|maintenance)\/|\/history\/\d{4}\//;
/** Archive pages read from disk kept in memory, by their compressed bytes. */
const ARCHIVE_CACHE_BYTES = 8 * 1024 * 1024;
/**
 * Files' bytes decompressed for clients that take no compression (curl, wrk, scripts), kept so
 * such a client costs what a browser does rather than a decompression per request. The live
 * pages are a few hundred KB on a small site; the bound holds on a large one.
 */
const IDENTITY_CACHE_BYTES = 8 * 1024 * 1024;

export type SnapshotOptions = {
  /** Where the disk mirror reports failing and recovering writes; the console when absent. */
  log?: Log;
};

export class Snapshot {
  /**
   * Every published path: its entry, or, while it is only on disk, the file's size (what the
   * metrics report, known without reading the file).
   */
  readonly #slots = new Map<string, SnapshotEntry | number>();
  /** Archive entries read from disk lately. */
  readonly #archive = new ByteLru<string, SnapshotEntry>({ maxBytes: ARCHIVE_CACHE_BYTES, sizeOf: (e) => e.gzip.length + e.br.length });
  readonly #identity = new ByteLru<string, { entry: SnapshotEntry; bytes: Buffer }>({ maxBytes: IDENTITY_CACHE_BYTES, sizeOf: (kept) => kept.bytes.length });
  readonly #identityOf: IdentityBytes = (entry) => {
    const kept = this.#identity.get(entry.path);
    if (kept?.entry === entry) return kept.bytes;
    const bytes = decompressed(entry);
    this.#identity.set(entry.path, { entry, bytes });
    return bytes;
  };
  readonly #dir: string | null;
  readonly #mirror: DiskMirror | null;

  constructor(dir: string | null, options: SnapshotOptions = {}) {
    this.#dir = dir;
    this.#mirror =
      dir === null
        ? null
        : createDiskMirror({
            dir,
            log: options.log ?? console,
            entry: (path) => {
              const slot = this.#slots.get(path);
              return typeof slot === 'number' ? undefined : slot;
            },
            written: (entry) => {
              // Written: an archive page now lives on disk only, unless it changed meanwhile.
              if (ARCHIVE.test(entry.path) && this.#slots.get(entry.path) === entry) this.#slots.set(entry.path, entry.size);
            },
          });
  }

  get dir(): string | null {
    return this.#dir;
  }

  get(path: string): SnapshotEntry | undefined {
    const slot = this.#slots.get(path);
    if (typeof slot !== 'number') return slot;
    const cached = this.#archive.get(path);
    if (cached) return cached;
    const loaded = this.#readFromDisk(path);
    if (loaded) this.#archive.set(path, loaded);
    return loaded ?? undefined;
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
   * Readers see them as soon as this resolves; the disk mirror follows in the background and
   * never holds a publish up (a full or read-only disk is reported, not waited on).
   * @returns the paths that changed.
   */
  async put(files: ReadonlyMap<string, string | Buffer>, now: Date, effort: Effort | ((path: string) => Effort) = 'best'): Promise<string[]> {
    const changed: [string, Buffer][] = [];
    for (const [path, content] of files) {
      const body = typeof content === 'string' ? Buffer.from(content) : content;
      if (!this.#same(path, body)) changed.push([path, body]);
    }
    const entries = await Promise.all(
      changed.map(([path, body]) => makeEntry(path, body, now, typeof effort === 'function' ? effort(path) : effort, this.#identityOf)),
    );
    // Swapped in together: readers never see half a publish.
    for (const entry of entries) {
      this.#slots.set(entry.path, entry);
      if (this.#archive.has(entry.path)) this.#archive.set(entry.path, entry);
    }
    for (const entry of entries) this.#mirror?.file(entry.path);
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
    const files = publishedFiles(dir);
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
        return makeEntry(pathForFile(file), body, statSync(full).mtime, readSidecars(full, body) ?? 'best', this.#identityOf);
      }),
    );
    for (const entry of entries) this.#slots.set(entry.path, entry);
    return files.length;
  }

  /** Reads a small JSON note kept beside the files (not part of the site), or null. */
  readNote<T>(name: string): T | null {
    return this.#dir ? readNoteFile<T>(this.#dir, name) : null;
  }

  /**
   * Records a note beside the files, written once every file stored before it is written there
   * (never waited for: a note is about the directory, which follows memory).
   */
  writeNote(name: string, value: unknown): void {
    this.#mirror?.note(name, value);
  }

  /** Resolves once the disk mirror has written everything stored so far, or as soon as it fails: never waits on a failing disk. */
  mirrored(): Promise<void> {
    return this.#mirror?.writes.settled() ?? Promise.resolve();
  }

  /** Resolves once everything stored so far is written to the directory; rejects when it cannot be (the export). */
  flushed(): Promise<void> {
    return this.#mirror?.writes.flushed() ?? Promise.resolve();
  }

  /** Whether the directory has everything readers are served, and why not. */
  mirrorStatus(): MirrorStatus {
    return this.#mirror?.status() ?? { state: 'off', pendingFiles: 0 };
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
      const forms = isCompressible(type) ? (readSidecars(full, body) ?? compressNow(body)) : null;
      return entryOf(path, type, body, forms, mtime, this.#identityOf);
    } catch {
      return null;
    }
  }
}
