/**
 * `npm run restore -- FILE [--force]`: puts a backup in place of DATABASE_URL's file. Refuses
 * while a running Herald holds it (its pid file beside the database) unless --force; keeps
 * the database it replaces as `<name>.before-restore-<time>`, and removes the site published from
 * it (SNAPSHOT_DIR), so the next start publishes every page from the restored data.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../platform/config.ts';
import { systemClock } from '../platform/clock.ts';
import { restoreDatabase } from '../platform/ops/backup.ts';
import { runCli } from './open.ts';

runCli(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { force: { type: 'boolean', default: false } } });
  if (positionals.length !== 1) {
    console.error('Usage: npm run restore -- FILE [--force]   (stop Herald first; --force only for a stale pid file)');
    return 2;
  }
  const from = resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0] as string);
  const result = await restoreDatabase(loadConfig(process.env), from, { force: values.force, now: systemClock.now() });
  const counts = Object.entries(result.counts)
    .map(([table, n]) => `${table} ${n}`)
    .join(', ');
  console.log(`[Restore] ${result.target} is now the backup ${from} (integrity ok; ${counts}).`);
  if (result.kept) console.log(`[Restore] The database it replaced is kept as ${result.kept}.`);
  if (result.snapshot.discarded) console.log(`[Restore] Removed the site published from the database it replaced (${result.snapshot.dir}).`);
  else if (result.snapshot.reason)
    console.log(`[Restore] Left SNAPSHOT_DIR as it is: ${result.snapshot.reason}. Herald discards a snapshot from another database at start.`);
  console.log('[Restore] Start Herald (npm start); it publishes every page from the restored data.');
  return 0;
});
