import { loadConfig, type Config } from '../config.ts';
import { openDb, type Db } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';

/** For command-line tools: the same configuration and database the server would use. */
export async function openFromEnv(): Promise<{ config: Config; db: Db }> {
  const config = loadConfig(process.env);
  const db = await openDb({ url: config.databaseUrl, authToken: config.databaseAuthToken });
  await migrate(db);
  return { config, db };
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
