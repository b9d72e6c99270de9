/**
 * The snapshot's copy on disk, written behind memory (write-behind.ts): readers are served
 * from memory the moment a publish is stored, and the directory follows. A full or read-only
 * disk never holds a publish up: it is retried with backoff, logged at error level, and
 * reported by `status()` (which /healthz and the metrics read) until it catches up.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Log } from '../platform/log/log.ts';
import type { SnapshotEntry } from './snapshot-entry.ts';
import { writeNoteFile, writePublishedFile } from './snapshot-files.ts';
import { createWriteBehind, type WriteBehind } from './write-behind.ts';

const gunzipAsync = promisify(gunzip);

/** While writes keep failing, the error is logged again this often (and whenever it changes). */
const REMIND_EVERY_MS = 5 * 60_000;

/** What /healthz and the metrics say of the mirror. */
export type MirrorStatus = {
  /** `off` without a snapshot directory. */
  state: 'off' | 'ok' | 'failing';
  /** Files readers see that the directory does not have yet. */
  pendingFiles: number;
  /** While failing: since when, and why (without the file's path: /healthz is public). */
  since?: string;
  error?: string;
};

export type DiskMirror = {
  /** Marks a stored file to be written. */
  file(path: string): void;
  /** Records a note, written once every file marked before it is. */
  note(name: string, value: unknown): void;
  writes: WriteBehind<string>;
  status(): MirrorStatus;
};

export type DiskMirrorOptions = {
  dir: string;
  log: Log;
  /** The entry stored at `path` now; undefined when it is on disk only. */
  entry(path: string): SnapshotEntry | undefined;
  /** Told once `entry` is written. */
  written(entry: SnapshotEntry): void;
};

/** Notes are kept under keys no URL path has (paths start with '/'). */
const NOTE = 'note:';

export function createDiskMirror(options: DiskMirrorOptions): DiskMirror {
  const { dir, log } = options;
  const notes = new Map<string, unknown>();
  let lastLogged: { at: number; message: string } | null = null;

  const writes = createWriteBehind<string>({
    isLast: (key) => key.startsWith(NOTE),
    write: async (key) => {
      if (key.startsWith(NOTE)) {
        const name = key.slice(NOTE.length);
        return writeNoteFile(dir, name, notes.get(name));
      }
      const entry = options.entry(key);
      if (!entry) return;
      const body = entry.compressed ? await gunzipAsync(entry.gzip) : entry.gzip;
      await writePublishedFile(dir, entry.path, body, entry.compressed ? { gzip: entry.gzip, br: entry.br } : null);
      options.written(entry);
    },
    onFailure: (error, { pending, retryInMs, first, failingForMs }) => {
      const reason = describe(error);
      const now = Date.now();
      if (!first && lastLogged && lastLogged.message === reason && now - lastLogged.at < REMIND_EVERY_MS) return;
      lastLogged = { at: now, message: reason };
      log.error(
        `[Snapshot] Cannot write the published site to ${dir}${first ? '' : ` (failing for ${Math.round(failingForMs / 1000)} s)`}: ${reason}. ` +
          `Readers are served from memory and see every publish; the directory (what nginx, a CDN or a restart reads) lags by ${pending} files. ` +
          `Free space on that disk or make it writable; Herald retries (next in ${Math.round(retryInMs / 1000)} s).`,
      );
    },
    onRecovery: ({ failedForMs }) => {
      lastLogged = null;
      log.info(`[Snapshot] Writing to ${dir} works again after ${Math.round(failedForMs / 1000)} s: the directory has caught up.`);
    },
  });

  return {
    writes,
    file: (path) => writes.mark(path),
    note(name, value) {
      notes.set(name, value);
      writes.mark(`${NOTE}${name}`);
    },
    status() {
      const { pending, failing } = writes.status();
      if (!failing) return { state: 'ok', pendingFiles: pending };
      return { state: 'failing', pendingFiles: pending, since: failing.since.toISOString(), error: describe(failing.error).replace(/, \w+ '.*'$/, '') };
    },
  };
}

/** An fs error as a reader of the log wants it: `ENOSPC: no space left on device, open '…'`. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
