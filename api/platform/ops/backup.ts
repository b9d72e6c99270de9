/**
 * `npm run backup` and `npm run restore`: a consistent copy of a live file database, and
 * putting one back. Remote libSQL servers keep their own backups; these refuse them.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, ConflictError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import type { Config } from '../config.ts';
import { integrityCheck, tableCounts, vacuumInto } from '../db/backup.ts';
import { openDb } from '../db/client.ts';
import { renewDatabaseIdentity } from '../db/identity.ts';
import { databaseFile, heraldHolding, pidFileOf } from './pidfile.ts';
import { discardSnapshotDir } from './snapshot-dir.ts';

const COUNTED = ['incidents', 'incident_updates', 'services', 'subscribers', 'outbox', 'maintenances', 'users'];

function localFile(config: Pick<Config, 'databaseUrl'>, verb: string): string {
  const file = databaseFile(config.databaseUrl);
  if (!file) {
    throw new ConfigError(
      `[Backup] DATABASE_URL is not a local file (${config.databaseUrl.replace(/\?.*$/, '')}): cannot ${verb} it from here. ` +
        'A libSQL server (sqld, Turso) keeps its own backups: use its snapshots or point-in-time restore (docs/operating.md).',
    );
  }
  return file;
}

/**
 * Copies the live database to `out` while Herald keeps taking writes: VACUUM INTO a temporary
 * file beside `out`, checked with PRAGMA integrity_check, then renamed into place, so `out`
 * is either a whole, sound copy or absent.
 */
export async function backupDatabase(config: Pick<Config, 'databaseUrl'>, out: string) {
  const file = localFile(config, 'back up');
  if (!existsSync(file)) throw new NotFoundError(`[Backup] There is no database at ${file}; check DATABASE_URL.`);
  if (existsSync(out)) throw new ConflictError(`[Backup] ${out} exists; choose a new file name (a backup never overwrites one).`);
  mkdirSync(dirname(out), { recursive: true });
  const partial = `${out}.partial-${process.pid}`;
  const db = await openDb({ url: `file:${file}` });
  try {
    await vacuumInto(db, partial);
  } finally {
    db.close();
  }
  try {
    const counts = await checkedCounts(partial, (problems) => new Error(`[Backup] The copy failed PRAGMA integrity_check: ${problems}`));
    renameSync(partial, out);
    return { out, bytes: statSync(out).size, counts };
  } finally {
    for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(leftover, { force: true });
  }
}

/** Opens `file`, runs PRAGMA integrity_check (failing with `fail`), and counts its rows. */
async function checkedCounts(file: string, fail: (problems: string) => Error): Promise<Record<string, number>> {
  const db = await openDb({ url: `file:${file}` }).catch((error: Error) => {
    throw fail(error.message.trim());
  });
  try {
    const check = await integrityCheck(db).catch((error: Error) => [error.message]);
    if (check.join() !== 'ok') throw fail(check.slice(0, 3).join('; '));
    return await tableCounts(db, COUNTED);
  } finally {
    db.close();
  }
}

/**
 * Puts the backup `from` in place of the configured database. Refuses while a running Herald
 * holds it (its pid file, api/platform/ops/pidfile.ts) unless `force`; the database it replaces is kept
 * beside it as `<name>.before-restore-<time>`, with its WAL, never deleted.
 *
 * The published site goes with the database it was published from: the snapshot in SNAPSHOT_DIR
 * is removed, so the next start renders every page from the restored data and serves nothing
 * the backup does not have (an incident that is a draft in it, one written after it). The copy
 * also gets a new identity (api/platform/db/identity.ts): a start whose SNAPSHOT_DIR this restore
 * did not see discards that snapshot itself.
 */
export async function restoreDatabase(config: Pick<Config, 'databaseUrl' | 'snapshotDir'>, from: string, options: { force: boolean; now: Date }) {
  const target = localFile(config, 'restore');
  if (!existsSync(from)) throw new NotFoundError(`[Restore] There is no backup at ${from}.`);
  const holder = heraldHolding(target);
  if (holder && !options.force) {
    throw new ConflictError(
      `[Restore] A running Herald (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}) holds ${target}: stop it first (SIGTERM), then restore. ` +
        `If no Herald uses it (${pidFileOf(target)} is stale), pass --force.`,
    );
  }
  mkdirSync(dirname(target), { recursive: true });
  // Checked as a copy beside the target, so the swap below is a rename on one filesystem.
  const incoming = `${target}.restoring-${process.pid}`;
  copyFileSync(from, incoming);
  let counts: Record<string, number>;
  try {
    counts = await checkedCounts(
      incoming,
      (problems) => new ValidationError(`[Restore] ${from} is not a sound database (PRAGMA integrity_check: ${problems}); nothing was changed.`),
    );
    if (!('incidents' in counts)) throw new ValidationError(`[Restore] ${from} has no incidents table: not a Herald database; nothing was changed.`);
    await renewIdentityOf(incoming, options.now);
  } catch (error) {
    for (const leftover of [incoming, `${incoming}-wal`, `${incoming}-shm`]) rmSync(leftover, { force: true });
    throw error;
  }
  let kept: string | null = null;
  if (existsSync(target)) {
    kept = `${target}.before-restore-${options.now.toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, kept);
    // The old WAL belongs to the old database: it goes with it, never onto the restored one.
    for (const suffix of ['-wal', '-shm']) if (existsSync(`${target}${suffix}`)) renameSync(`${target}${suffix}`, `${kept}${suffix}`);
  }
  for (const suffix of ['-wal', '-shm']) rmSync(`${incoming}${suffix}`, { force: true });
  renameSync(incoming, target);
  const snapshot = { dir: config.snapshotDir, ...discardSnapshotDir(config.snapshotDir, options.now) };
  return { target, kept, counts, snapshot };
}

async function renewIdentityOf(file: string, now: Date): Promise<void> {
  const db = await openDb({ url: `file:${file}` });
  try {
    await renewDatabaseIdentity(db, now);
  } finally {
    db.close();
  }
}
