/**
 * `npm run check:freshness` — for cron or a monitoring agent: one line, exit 0 when no open
 * incident is past its next-update deadline, 1 when one is or when it cannot tell.
 */
import { systemClock } from '../platform/clock.ts';
import { assessOpenIncidents } from '../features/freshness/index.ts';
import { freshnessReport, reportLine } from '../features/freshness/index.ts';
import { openFromEnv } from './open.ts';

try {
  const { config, db } = await openFromEnv('check-freshness');
  const now = systemClock.now();
  const report = freshnessReport(await assessOpenIncidents(db, now, config), now);
  db.close();
  console.log(reportLine(report));
  process.exit(report.status === 'ok' ? 0 : 1);
} catch (error) {
  console.log(`UNKNOWN: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  process.exit(1);
}
