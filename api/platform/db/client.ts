import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { createClient, LibsqlError, type InStatement, type ResultSet, type Transaction } from '@libsql/client';
import { UnavailableError } from '../../shared/errors.ts';
import { databaseFile } from '../ops/pidfile.ts';

/** What the data-access functions receive: a statement runner, inside or outside a transaction. */
export type Executor = { execute(stmt: InStatement): Promise<ResultSet> };

/** Something wrong with the database that a query would not show: what, and what to do. */
export type DbTrouble = { state: 'locked' | 'missing' | 'replaced'; message: string };

/**
 * Herald's handle on libSQL. Every call goes through one queue so that a write transaction,
 * which holds the embedded database's single connection until it commits, never makes a
 * concurrent call fail with TRANSACTION_ACTIVE: the call waits its turn instead. Readers of
 * the public site never get here (they read the snapshot), so the queue costs them nothing.
 *
 * Nor does another connection's lock (a second Herald, a CLI, `sqlite3` holding BEGIN
 * EXCLUSIVE): the embedded driver runs on the event loop, so SQLite's own busy timeout would
 * stop every reader's request while it sleeps and retries. It is off; a call that finds the
 * database locked gives up its turn and tries again after an asynchronous backoff, for up to
 * `lockWaitMs`, and `trouble()` says so while it waits.
 */
export type Db = {
  execute(stmt: InStatement): Promise<ResultSet>;
  /** Runs `work` in a write transaction ("BEGIN IMMEDIATE"): all of it lands or none does. */
  write<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Null while all is well; otherwise what is wrong: a call has waited over 2 s for another
   * connection's lock, or the database file was deleted or replaced since it was opened (every
   * call is then refused, rather than written into a file nobody will open again).
   */
  trouble(): DbTrouble | null;
  close(): void;
  readonly url: string;
};

export type DbOptions = {
  url: string;
  authToken?: string | undefined;
  /** How long a call waits for another connection's lock before it fails with UnavailableError (503). */
  lockWaitMs?: number;
};

/** A write waits this long for a lock held elsewhere: a CLI's or a second Herald's write is over in milliseconds. */
export const LOCK_WAIT_MS = 30_000;
/** Past this, a call still waiting for a lock is reported by `trouble()` (and so by /healthz). */
export const LOCK_REPORTED_AFTER_MS = 2_000;
/** The backoff between tries: from the first to the last, doubling. */
const FIRST_RETRY_MS = 5;
const LAST_RETRY_MS = 250;

/** A lock held by another connection, met before anything ran: the call may be tried again as it is. */
class LockedElsewhere {
  readonly cause: unknown;
  constructor(cause: unknown) {
    this.cause = cause;
  }
}

/** Opens the database, creating the directory of a `file:` URL, and applies the pragmas. */
export async function openDb({ url, authToken, lockWaitMs = LOCK_WAIT_MS }: DbOptions): Promise<Db> {
  const local = url.startsWith('file:') || url === ':memory:';
  const file = databaseFile(url);
  if (file) ownerOnlyDatabaseFile(file);
  const opened = file ? identityOf(file) : null;
  // One connection for an embedded database: per-connection pragmas (foreign keys, FULL sync)
  // then hold for every statement, and SQLite serialises writers anyway. Its busy timeout is 0:
  // a lock held elsewhere answers SQLITE_BUSY at once, and `patiently` waits without blocking.
  const client = createClient({ url, authToken, timeout: local ? 0 : undefined, concurrency: local ? 1 : undefined, intMode: 'number' });
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  const pragmas = async () => {
    await client.execute('PRAGMA synchronous = FULL');
    await client.execute('PRAGMA foreign_keys = ON');
  };
  /**
   * The embedded driver leaves a statement that met SQLITE_BUSY in progress: the connection then
   * stays inside a transaction it can never commit, and every later write on it is lost. So a
   * connection that met a lock is closed and a fresh one opened (with the pragmas again).
   */
  const freshConnection = async () => {
    // Only a file: an in-memory database would be lost with its connection, and cannot be locked elsewhere.
    if (!file) return;
    await client.reconnect();
    await pragmas();
  };
  /** For a statement that ran nothing: a lock held elsewhere becomes a LockedElsewhere, on a fresh connection. */
  const retryIfLocked = async (error: unknown): Promise<never> => {
    if (!isBusy(error)) throw error;
    await freshConnection();
    throw new LockedElsewhere(error);
  };
  /** When each call now waiting for another connection's lock started waiting. */
  const waiting = new Set<{ since: number }>();
  /** The waiting call that tries for the lock while another connection holds it; null when none is held. */
  let prober: { since: number } | null = null;
  const fileTrouble = (): DbTrouble | null => (file && opened ? fileProblem(file, opened) : null);

  /**
   * Runs `work` in its turn; while another connection holds the lock, gives the turn up and
   * tries again later. Writes (`writes`) take turns at trying: while the lock is held elsewhere,
   * one of them tries for it and the rest wait their backoff without touching the file, since
   * each try opens a fresh connection on the event loop (40 tries a second, readers' p99 ×3).
   * A read never meets the lock (WAL) and always goes in its turn.
   */
  async function patiently<T>(work: () => Promise<T>, writes = true): Promise<T> {
    const mark = { since: performance.now() };
    try {
      for (let delay = FIRST_RETRY_MS; ; delay = Math.min(delay * 2, LAST_RETRY_MS)) {
        const trouble = fileTrouble();
        if (trouble) throw new UnavailableError(trouble.message);
        if (!writes || !prober || prober === mark) {
          try {
            const done = await exclusive(work);
            if (prober === mark) prober = null;
            return done;
          } catch (error) {
            if (!(error instanceof LockedElsewhere)) throw asUnavailable(error);
            if (writes) prober ??= mark;
          }
        }
        const waited = performance.now() - mark.since;
        if (waited + delay > lockWaitMs) {
          throw new UnavailableError(
            `[Database] Another connection (a second Herald, a CLI, sqlite3) has held the database locked for over ${Math.round(waited / 1000)} s; nothing was written. The public site is still served. Try again once it lets go.`,
          );
        }
        waiting.add(mark);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    } finally {
      waiting.delete(mark);
      if (prober === mark) prober = null;
    }
  }

  if (local) {
    if (url !== ':memory:') await patiently(() => client.execute('PRAGMA journal_mode = WAL').catch(retryIfLocked));
    await patiently(() => pragmas().catch(retryIfLocked));
  }
  return {
    url,
    // A statement that meets a lock did nothing: it is tried again as it is.
    execute: (stmt) => patiently(() => client.execute(stmt).catch(retryIfLocked), !isRead(stmt)),
    write: (work) =>
      patiently(async () => {
        // Only BEGIN IMMEDIATE waits for the lock: once it is ours, `work` runs once.
        const tx = await client.transaction('write').catch(retryIfLocked);
        try {
          const result = await work(tx);
          await tx.commit();
          return result;
        } catch (error) {
          await tx.rollback().catch(() => undefined);
          tx.close();
          // Met inside the transaction (it is rolled back, not retried: `work` ran): the connection is renewed all the same.
          if (isBusy(error)) await freshConnection().catch(() => undefined);
          throw error;
        } finally {
          tx.close();
        }
      }),
    trouble: () => {
      const moved = fileTrouble();
      if (moved) return moved;
      const oldest = Math.min(...[...waiting].map((w) => w.since));
      const waited = performance.now() - oldest;
      if (!(waited >= LOCK_REPORTED_AFTER_MS)) return null;
      return {
        state: 'locked',
        message: `[Database] Another connection (a second Herald, a CLI, sqlite3) has held the database locked for ${Math.round(waited / 1000)} s; writes wait for it (up to ${Math.round(lockWaitMs / 1000)} s each, then answer 503). The public site is still served.`,
      };
    },
    close: () => client.close(),
  };
}

type FileIdentity = Pick<Stats, 'dev' | 'ino'>;

function identityOf(file: string): FileIdentity | null {
  try {
    const { dev, ino } = statSync(file);
    return { dev, ino };
  } catch {
    return null;
  }
}

/**
 * Whether the file at `file` is still the one opened: deleted, SQLite would go on writing into
 * an unlinked inode that vanishes at exit; replaced (a copy moved over it), into the old one.
 */
function fileProblem(file: string, opened: FileIdentity): DbTrouble | null {
  const now = identityOf(file);
  if (!now) {
    return {
      state: 'missing',
      message: `[Database] The database file ${file} was deleted after Herald opened it; every write is refused, not written into a file that vanishes at exit. The public site is still served. Put the file back (npm run restore) and restart Herald.`,
    };
  }
  if (now.dev !== opened.dev || now.ino !== opened.ino) {
    return {
      state: 'replaced',
      message: `[Database] The database file ${file} was replaced by another file after Herald opened it; every write is refused, not written into the old one. The public site is still served. Restart Herald to use the file now there.`,
    };
  }
  return null;
}

/**
 * Creates the database file (and its directory) before libSQL opens it, readable and writable
 * by the owner only: it holds subscribers' addresses, admin credentials and link secrets. SQLite
 * gives the -wal and -shm files it creates the database file's mode; files an earlier
 * version left readable by others are made owner-only too.
 */
function ownerOnlyDatabaseFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

/** Codes that mean "cannot reach or use the database now", as opposed to a bad statement. */
const UNAVAILABLE = new Set([
  'CLIENT_CLOSED',
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SERVER_ERROR',
  'HRANA_WEBSOCKET_ERROR',
  'WEBSOCKET_ERROR',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
]);

/** SQLITE_BUSY (extended codes too): another connection holds the lock this statement needs. */
function isBusy(error: unknown): boolean {
  const { code, rawCode } = (error ?? {}) as { code?: unknown; rawCode?: unknown };
  return code === 'SQLITE_BUSY' || (typeof rawCode === 'number' && (rawCode & 0xff) === 5);
}

function asUnavailable(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  // A remote libSQL server that cannot be reached surfaces as fetch's network TypeError.
  const network = error instanceof TypeError && error.message === 'fetch failed';
  if (network || ((error instanceof LibsqlError || error instanceof Error) && (UNAVAILABLE.has(String(code)) || UNAVAILABLE.has(String(cause))))) {
    return new UnavailableError(
      `[Database] The database is unreachable or busy (${String(code ?? cause ?? error.message)}); nothing was written. The public site is still served. Try again shortly.`,
    );
  }
  return error;
}

/** A statement that only reads (a SELECT): it never waits for another connection's write lock. */
const isRead = (stmt: InStatement) => /^\s*SELECT\b/i.test(typeof stmt === 'string' ? stmt : stmt.sql);
