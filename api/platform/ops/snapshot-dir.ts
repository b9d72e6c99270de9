/**
 * The snapshot directory (SNAPSHOT_DIR) as files, for the start and `npm run restore`: which
 * database its pages were published from, and throwing it away when that is not the database
 * Herald now has. Its pages are derived data: the next publish renders them all from the data.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The note, beside the pages, naming the database they were published from (written through
 * the snapshot's own `writeNote('database', …)`, which keeps notes as `.<name>.json`).
 */
export const DATABASE_NOTE = 'database';
export type DatabaseNote = { id: string };

/** The notes only Herald's publisher writes: a directory holding one of them is a snapshot. */
const HERALD_NOTES = ['.publish.json', `.${DATABASE_NOTE}.json`];

/** The id of the database the snapshot in `dir` was published from, or null (no snapshot, or one older than the note). */
export function publishedFrom(dir: string): string | null {
  try {
    const note = JSON.parse(readFileSync(join(dir, `.${DATABASE_NOTE}.json`), 'utf8')) as Partial<DatabaseNote>;
    return typeof note.id === 'string' ? note.id : null;
  } catch {
    return null;
  }
}

export type Discarded = { discarded: boolean; reason?: string };

/**
 * Removes the snapshot in `dir`, so nothing the database no longer has is served from it. Only a
 * directory Herald published into (it holds the publisher's notes) is removed; anything else at
 * that path is left alone and `reason` says why. Renamed aside first, then deleted: a start never
 * finds half of it.
 */
export function discardSnapshotDir(dir: string, now: Date): Discarded {
  if (!existsSync(dir)) return { discarded: false };
  const entries = readdirSync(dir);
  if (entries.length > 0 && !HERALD_NOTES.some((note) => entries.includes(note))) {
    return {
      discarded: false,
      reason: `${dir} does not look like a snapshot Herald published (no ${HERALD_NOTES.join(' or ')} in it); remove it yourself if it is one`,
    };
  }
  const aside = `${dir}.discarded-${now.toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  renameSync(dir, aside);
  rmSync(aside, { recursive: true, force: true });
  return { discarded: true };
}
