/**
 * The pid file a running Herald keeps beside its database file (`herald.db.pid`), so that
 * `npm run restore` can tell a database in use from one at rest. SQLite's own locks cannot
 * tell: an idle Herald holds its connection open without holding a lock.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';

export type PidFile = { pid: number; host: string; startedAt: string };

/** The file of a `file:` database URL; null for `:memory:` and remote libSQL servers. */
export function databaseFile(url: string): string | null {
  if (!url.startsWith('file:')) return null;
  const path = url.startsWith('file://') ? fileURLToPath(url.split('?')[0] as string) : url.slice('file:'.length).split('?')[0];
  return path || null;
}

export const pidFileOf = (dbFile: string) => `${dbFile}.pid`;

/** Writes this process's pid file; the function it returns removes it, if it is still ours. */
export function holdPidFile(dbFile: string, now: Date): () => void {
  const path = pidFileOf(dbFile);
  const mine: PidFile = { pid: process.pid, host: hostname(), startedAt: now.toISOString() };
  writeFileSync(path, `${JSON.stringify(mine)}\n`);
  return () => {
    if (readPidFile(dbFile)?.pid === process.pid) rmSync(path, { force: true });
  };
}

function readPidFile(dbFile: string): PidFile | null {
  try {
    return JSON.parse(readFileSync(pidFileOf(dbFile), 'utf8')) as PidFile;
  } catch {
    return null;
  }
}

/**
 * The Herald that holds `dbFile`, or null. A pid file left by a process that is gone (a crash,
 * a SIGKILL) does not count; one written on another host cannot be checked, so it counts.
 */
export function heraldHolding(dbFile: string): PidFile | null {
  const held = readPidFile(dbFile);
  if (!held) return null;
  if (held.host !== hostname()) return held;
  try {
    process.kill(held.pid, 0);
    return held;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? held : null;
  }
}
