import { userInfo } from 'node:os';
import { as, noPublisher, type CommandContext } from '../platform/commands.ts';
import { noopNotifier } from '../shared/notifier.ts';
import { loadConfig, type Config } from '../platform/config.ts';
import { openDb, type Db } from '../platform/db/client.ts';
import { migrate } from '../platform/db/migrate.ts';
import { systemClock } from '../platform/clock.ts';

/**
 * For command-line tools: the same configuration and database the server would use, and the
 * commands' context acting as the operator at this terminal (audited as `cli:COMMAND (os user)`).
 * Tokens and users do not touch the public site, so nothing is republished or notified.
 */
export async function openFromEnv(command: string): Promise<{ config: Config; db: Db; ctx: CommandContext }> {
  const config = loadConfig(process.env);
  const db = await openDb({ url: config.databaseUrl, authToken: config.databaseAuthToken });
  await migrate(db);
  const policy = { publicUrl: config.publicUrl, updateIntervalMinutes: config.updateIntervalMinutes };
  const ctx = as({ db, clock: systemClock, publisher: noPublisher, notifier: noopNotifier, log: console, policy }, { kind: 'cli', command, osUser: osUser() });
  return { config, db, ctx };
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** Runs a CLI's main, printing a failure as one readable line and exiting non-zero. */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
