import { z } from 'zod';
import { ConfigError } from './errors.ts';

const Flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

/** Every setting Herald reads from the environment; README's table lists the same. */
export const ConfigSchema = z
  .object({
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4321),
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    DATABASE_URL: z.string().min(1).default('file:data/herald.db'),
    DATABASE_AUTH_TOKEN: z.string().optional(),
    SNAPSHOT_DIR: z.string().min(1).default('data/snapshot'),
    CONTENT_DIR: z.string().min(1).default('content'),
    HERALD_ADMIN_TOKEN: z.string().min(24, 'use at least 24 characters, e.g. `openssl rand -hex 24`').optional(),
    HERALD_DEMO: Flag.default(true),
    UPDATE_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(30).default(30),
  })
  .transform((env) => ({
    host: env.HOST,
    port: env.PORT,
    publicUrl: (env.PUBLIC_URL ?? `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${env.PORT}`).replace(/\/+$/, ''),
    databaseUrl: env.DATABASE_URL,
    databaseAuthToken: env.DATABASE_AUTH_TOKEN,
    snapshotDir: env.SNAPSHOT_DIR,
    contentDir: env.CONTENT_DIR,
    adminToken: env.HERALD_ADMIN_TOKEN,
    demo: env.HERALD_DEMO,
    updateIntervalMinutes: env.UPDATE_INTERVAL_MINUTES,
  }));
export type Config = z.infer<typeof ConfigSchema>;

/**
 * Parses the environment once, at start. Fails with every bad variable named and what to do,
 * before anything opens or listens.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`[Config] Invalid environment:\n${lines.join('\n')}\nSee the environment table in README.md.`);
}
