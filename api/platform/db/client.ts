import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, LibsqlError, type InStatement, type ResultSet, type Transaction } from '@libsql/client';
import { UnavailableError } from '../../shared/errors.ts';

/** What the data-access functions receive: a statement runner, inside or outside a transaction. */
export type Executor = { execute(stmt: InStatement): Promise<ResultSet> };

/**
 * Herald's handle on libSQL. Every call goes through one queue so that a write transaction,
 * which holds the embedded database's single connection until it commits, never makes a
 * concurrent call fail with TRANSACTION_ACTIVE: the call waits its turn instead. Readers of
 * the public site never get here (they read the snapshot), so the queue costs them nothing.
 */
export type Db = {
  execute(stmt: InStatement): Promise<ResultSet>;
  /** Runs `work` in a write transaction ("BEGIN IMMEDIATE"): all of it lands or none does. */
  write<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): void;
  readonly url: string;
};

export type DbOptions = { url: string; authToken?: string | undefined; busyTimeoutMs?: number };

/** Opens the database, creating the directory of a `file:` URL, and applies the pragmas. */
export async function openDb({ url, authToken, busyTimeoutMs = 5000 }: DbOptions): Promise<Db> {
  const local = url.startsWith('file:') || url === ':memory:';
  if (url.startsWith('file:')) ownerOnlyDatabaseFile(url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length));
  // One connection for an embedded database: per-connection pragmas (foreign keys, FULL sync)
  // then hold for every statement, and SQLite serialises writers anyway.
  const client = createClient({ url, authToken, timeout: busyTimeoutMs, concurrency: local ? 1 : undefined, intMode: 'number' });
  if (local) {
    if (url !== ':memory:') await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('PRAGMA synchronous = FULL');
    await client.execute('PRAGMA foreign_keys = ON');
  }
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const guarded = () => work().catch((error: unknown) => Promise.reject(asUnavailable(error)));
    const run = queue.then(guarded, guarded);
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    url,
    execute: (stmt) => exclusive(() => client.execute(stmt)),
    write: (work) =>
      exclusive(async () => {
        const tx = await client.transaction('write');
        try {
          const result = await work(tx);
          await tx.commit();
          return result;
        } catch (error) {
          await tx.rollback().catch(() => undefined);
          throw error;
        } finally {
          tx.close();
        }
      }),
    close: () => client.close(),
  };
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
const UNAVAILABLE = new Set(['CLIENT_CLOSED', 'SQLITE_BUSY', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SERVER_ERROR', 'HRANA_WEBSOCKET_ERROR', 'WEBSOCKET_ERROR', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT']);

function asUnavailable(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  // A remote libSQL server that cannot be reached surfaces as fetch's network TypeError.
  const network = error instanceof TypeError && error.message === 'fetch failed';
  if (network || ((error instanceof LibsqlError || error instanceof Error) && (UNAVAILABLE.has(String(code)) || UNAVAILABLE.has(String(cause))))) {
    return new UnavailableError(`[Database] The database is unreachable or busy (${String(code ?? cause ?? error.message)}); nothing was written. The public site is still served. Try again shortly.`);
  }
  return error;
}
