/**
 * The database (subscribers' addresses, link secrets, tokens) and the mail written as .eml
 * files are readable by their owner only, whatever the process umask lets through.
 */
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb } from '../../api/platform/db/client.ts';
import { migrate } from '../../api/platform/db/migrate.ts';
import { createMailer } from '../../api/platform/delivery/mailer.ts';

/** The permission bits, in octal as `ls -l` and chmod read them. */
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

let dir: string;
let umask: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-modes-'));
  // The usual umask, which leaves new files readable by everyone.
  umask = process.umask(0o022);
});
afterEach(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

describe('files that hold subscribers’ data', () => {
  it('creates the database file and its WAL and shared-memory files readable by the owner only', async () => {
    const path = join(dir, 'data', 'herald.db');
    const db = await openDb({ url: `file:${path}` });
    await migrate(db);
    await db.execute(`INSERT INTO herald_secrets (name, value, created_at) VALUES ('links', 'secret', 'now')`);
    const files = [path, `${path}-wal`, `${path}-shm`];
    try {
      expect(files.filter((f) => existsSync(f))).toEqual(files);
      expect(files.map(modeOf)).toEqual(['600', '600', '600']);
    } finally {
      db.close();
    }
  });

  it('makes an existing world-readable database readable by the owner only when it opens it', async () => {
    const path = join(dir, 'herald.db');
    const first = await openDb({ url: `file:${path}` });
    await migrate(first);
    first.close();
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      if (!existsSync(file)) closeSync(openSync(file, 'a'));
      chmodSync(file, 0o644);
    }
    const db = await openDb({ url: `file:${path}` });
    try {
      expect([path, `${path}-wal`, `${path}-shm`].map(modeOf)).toEqual(['600', '600', '600']);
    } finally {
      db.close();
    }
  });

  it('writes mail as .eml files readable by the owner only, in a folder only the owner can enter', async () => {
    const outboxDir = join(dir, 'mail');
    const mailer = createMailer({ from: 'Status <status@example.test>', outboxDir });
    try {
      await mailer.send({ to: 'ann@example.com', subject: 'Confirm', text: 'https://status.example.test/subscribe/confirm/1.secret' });
    } finally {
      mailer.close();
    }
    const [file] = readdirSync(outboxDir);
    expect(file).toMatch(/\.eml$/);
    expect(modeOf(join(outboxDir, file as string))).toBe('600');
    expect(modeOf(outboxDir)).toBe('700');
  });
});
