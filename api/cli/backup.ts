/**
 * `npm run backup -- --out FILE`: a consistent copy of the live database (VACUUM INTO) while
 * Herald keeps taking writes. A remote libSQL server is refused: it keeps its own backups.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../platform/config.ts';
import { backupDatabase } from '../platform/ops/backup.ts';
import { runCli } from './open.ts';

runCli(async () => {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  if (!values.out) {
    console.error('Usage: npm run backup -- --out FILE   (e.g. --out backups/herald-$(date +%F).db)');
    return 2;
  }
  // npm runs scripts from the package root; a relative path means where the operator typed it.
  const out = resolve(process.env.INIT_CWD ?? process.cwd(), values.out);
  const result = await backupDatabase(loadConfig(process.env), out);
  const counts = Object.entries(result.counts)
    .map(([table, n]) => `${table} ${n}`)
    .join(', ');
  console.log(`[Backup] Wrote ${result.out} (${result.bytes} bytes; integrity ok; ${counts}).`);
  return 0;
});
