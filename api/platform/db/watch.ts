import type { Log } from '../log/log.ts';
import type { Db } from './client.ts';

/**
 * Looks at `db.trouble()` every `everyMs` and says in the log what /healthz says: an error line
 * when trouble starts (a lock held elsewhere for seconds, the database file deleted or replaced),
 * one when it changes, and an info line when it is over. Returns the stop function.
 */
export function watchDatabase(db: Pick<Db, 'trouble'>, log: Pick<Log, 'info' | 'error'>, everyMs: number): () => void {
  let reported: string | null = null;
  const look = () => {
    const trouble = db.trouble();
    const state = trouble?.state ?? null;
    if (state === reported) return;
    if (trouble) log.error(trouble.message);
    else log.info(`[Database] The database is usable again (it was ${reported}).`);
    reported = state;
  };
  const timer = setInterval(look, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
