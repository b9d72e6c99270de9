/**
 * `npm run doctor`: the effective configuration with its secrets masked, and one pass/fail
 * line for each thing Herald needs — the database, the snapshot directory, the SMTP relay,
 * the content files — so an operator learns what is wrong before customers do.
 */
import { accessSync, constants, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import nodemailer from 'nodemailer';
import { configSecrets, type Config } from './platform/config.ts';
import { Catalogue, loadMessages, readContent, SiteSettings } from './platform/content.ts';
import { openDb } from './platform/db/client.ts';
import { makeScrubber } from './platform/log/scrub.ts';
import { loadMailTemplates } from './features/notices/index.ts';
import { databaseFile } from './platform/ops/pidfile.ts';

export type Check = { name: string; ok: boolean; detail: string };

const MASK = '•••••••• (set)';
const SECRET_KEYS = new Set([
  'adminToken',
  'secret',
  'databaseAuthToken',
  'metricsToken',
  'slackWebhookUrl',
  'webhookUrl',
  'pagerdutyWebhookSecret',
  'bearerToken',
  'basicAuth',
]);

/** `key = value` lines of the effective configuration; secrets show only that they are set. */
export function describeConfig(config: Config): string[] {
  const scrub = makeScrubber(configSecrets(config));
  const lines: string[] = [];
  const walk = (prefix: string, value: unknown) => {
    if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(prefix ? `${prefix}.${key}` : key, inner);
      return;
    }
    const key = prefix.split('.').at(-1) as string;
    const shown = value === undefined || value === null ? '(not set)' : SECRET_KEYS.has(key) ? MASK : scrub(String(value));
    lines.push(`${prefix} = ${shown}`);
  };
  walk('', config);
  return lines;
}

async function checkDatabase(config: Config): Promise<Check> {
  const name = 'database';
  const file = databaseFile(config.databaseUrl);
  if (file && !existsSync(file)) {
    const check = checkWritableDir(dirname(file));
    return { name, ok: check === null, detail: check ?? `${file} does not exist yet; Herald creates it at first start` };
  }
  try {
    const db = await openDb({ url: config.databaseUrl, authToken: config.databaseAuthToken, lockWaitMs: 2000 });
    try {
      await db.execute('SELECT 1');
      const tables = await db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'incidents'");
      if (tables.rows.length === 0) return { name, ok: true, detail: 'reachable; empty (Herald creates its tables at first start)' };
      const n = Number((await db.execute('SELECT count(*) AS n FROM incidents')).rows[0]?.n ?? 0);
      return { name, ok: true, detail: `reachable; ${n} incident(s)` };
    } finally {
      db.close();
    }
  } catch (error) {
    return { name, ok: false, detail: `${(error as Error).message.split('\n')[0]} — check DATABASE_URL (and DATABASE_AUTH_TOKEN for a server)` };
  }
}

/** Null when `dir` exists and is writable, or can be created; otherwise why not. */
function checkWritableDir(dir: string): string | null {
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    if (!statSync(existing).isDirectory()) return `${existing} is a file, so ${dir} cannot be created`;
    accessSync(existing, constants.W_OK);
    return null;
  } catch {
    return `${existing} is not writable, so ${dir} cannot be created`;
  }
}

function checkSnapshotDir(config: Config): Check {
  const name = 'snapshot directory';
  const dir = config.snapshotDir;
  try {
    if (!existsSync(dir)) {
      const problem = checkWritableDir(dir);
      return {
        name,
        ok: problem === null,
        detail: problem ? `${problem} — SNAPSHOT_DIR must be a directory Herald can write` : `${dir} does not exist yet; Herald creates it`,
      };
    }
    const probe = join(dir, `.doctor-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
    return { name, ok: true, detail: `${dir} is writable; ${readdirSync(dir).length} entries` };
  } catch (error) {
    return { name, ok: false, detail: `${dir}: ${(error as Error).message} — SNAPSHOT_DIR must be a directory Herald can write` };
  }
}

async function checkSmtp(config: Config): Promise<Check> {
  const name = 'SMTP relay';
  if (!config.smtpUrl) return { name, ok: true, detail: 'no SMTP_URL: mail is written as .eml files beside the snapshot (data/mail), nothing is sent' };
  const where = makeScrubber(configSecrets(config))(config.smtpUrl);
  const transport = nodemailer.createTransport({ url: config.smtpUrl, connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 5000 });
  try {
    await transport.verify();
    return { name, ok: true, detail: `${where}: connected, EHLO${new URL(config.smtpUrl).username ? ' and login' : ''} accepted` };
  } catch (error) {
    const message = makeScrubber(configSecrets(config))((error as Error).message);
    return { name, ok: false, detail: `${where}: ${message} — check SMTP_URL (host, port, user:password)` };
  } finally {
    transport.close();
  }
}

function checkContent(config: Config): Check[] {
  const dir = config.contentDir;
  const attempt = (name: string, work: () => string): Check => {
    try {
      return { name, ok: true, detail: work() };
    } catch (error) {
      return { name, ok: false, detail: (error as Error).message.split('\n').slice(0, 3).join(' ') };
    }
  };
  return [
    attempt('content: services.json', () => {
      const catalogue = readContent(dir, 'services.json', Catalogue);
      return `${join(dir, 'services.json')}: ${JSON.stringify(catalogue).match(/"slug"/g)?.length ?? 0} slugs`;
    }),
    attempt('content: site.json', () => `${join(dir, 'site.json')}: "${readContent(dir, 'site.json', SiteSettings).title}"`),
    attempt('content: messages', () => {
      const { language = 'en' } = readContent(dir, 'site.json', SiteSettings);
      return `${join(dir, 'messages', `${language}.json`)}: language "${loadMessages(dir, language).lang}", every key present`;
    }),
    attempt('content: email templates', () => {
      loadMailTemplates(dir, loadMessages(dir, readContent(dir, 'site.json', SiteSettings).language));
      return `${join(dir, 'emails')}: incident, confirm, welcome`;
    }),
    attempt('content: message templates', () => {
      const files = readdirSync(join(dir, 'templates')).filter((f) => f.endsWith('.md'));
      if (files.length === 0) throw new Error(`${join(dir, 'templates')} has no .md templates; the desk's forms start from them`);
      return `${join(dir, 'templates')}: ${files.length} template(s)`;
    }),
  ];
}

/** Every check, in the order an operator would fix them. */
export async function runChecks(config: Config): Promise<Check[]> {
  return [await checkDatabase(config), checkSnapshotDir(config), await checkSmtp(config), ...checkContent(config)];
}
