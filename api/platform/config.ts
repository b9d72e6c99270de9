import { z } from 'zod';
import { ConfigError } from '../shared/errors.ts';
import { targetProblem } from './delivery/addresses.ts';
import { baseUrl, webUrl } from '../shared/web-url.ts';
import { splitCommand } from './mirror/command.ts';
import { parseLeadTimes } from '../shared/lead-times.ts';

const Flag = z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']).transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

/** Every setting Herald reads from the environment; docs/configuration.md lists the same. */
const ConfigSchema = z
  .object({
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4321),
    // One listening socket unless asked: more share the port with SO_REUSEPORT, which lets any
    // other process of the same user bind it too and take readers (api/platform/http/listen.ts).
    LISTEN_SOCKETS: z.coerce.number().int().min(1, 'use 1 (the default) or more').max(256, 'use at most 256').default(1),
    PUBLIC_URL: baseUrl('the address customers use, e.g. https://status.example.com').optional(),
    // A static copy (npm run export) hosted apart from Herald: where the live Herald takes sign-ups.
    PUBLIC_API_URL: baseUrl('the address of the live Herald, e.g. https://herald.example.com').optional(),
    DATABASE_URL: z
      .string()
      .regex(/^(file:|libsql:|https?:|wss?:|:memory:$)/, 'use file:path/to/herald.db, or libsql://host (http(s):// and ws(s):// work too)')
      .default('file:data/herald.db'),
    DATABASE_AUTH_TOKEN: z.string().optional(),
    SNAPSHOT_DIR: z.string().min(1).default('data/snapshot'),
    CONTENT_DIR: z.string().min(1).default('content'),
    HERALD_ADMIN_TOKEN: z.string().min(24, 'use at least 24 characters, e.g. `openssl rand -hex 24`').optional(),
    HERALD_DEMO: Flag.default(true),
    UPDATE_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(30).default(30),
    TRUST_PROXY: z.coerce
      .number({ error: 'use the number of proxies in front of Herald, e.g. 1 behind one load balancer' })
      .int('use a whole number of proxies')
      .min(0, 'use 0 when clients connect directly')
      .max(10)
      .default(0),
    // Subscribers and the outbox (api/notify, api/subscribers).
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'use smtp://user:pass@host:587 or smtps://…:465' }).optional(),
    MAIL_FROM: z.string().min(3).optional(),
    MAIL_RATE_PER_SECOND: z.coerce.number().int().min(0, 'use 0 for no limit').default(0),
    // Parallel connections to the SMTP relay (api/platform/delivery/smtp-pool.ts).
    SMTP_POOL_SIZE: z.coerce
      .number()
      .int()
      .min(1, 'use at least 1 connection')
      .max(100, 'use at most 100 connections; ask your relay what it allows')
      .default(8),
    HERALD_SECRET: z.string().min(32, 'use at least 32 characters, e.g. `openssl rand -hex 32`').optional(),
    SLACK_WEBHOOK_URL: webUrl('use the https://hooks.slack.com/… URL Slack gave you').optional(),
    WEBHOOK_ALLOW_LOCAL: Flag.default(false),
    // A sender renews its claim every third of this while it delivers; a dead sender's rows are
    // claimed again after it (api/platform/delivery/lane.ts). Short, so a restart resends within seconds.
    OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
    // The freshness watchdog (api/freshness): reminders and escalations for missed updates.
    FRESHNESS_WEBHOOK_URL: webUrl('use the http(s) URL of a Slack-style incoming webhook for the comms channel').optional(),
    FRESHNESS_CHECK_SECONDS: z.coerce
      .number()
      .int()
      .min(1, 'use at least 1')
      .max(30, 'use at most 30: a missed deadline must be noticed within 30 s')
      .default(30),
    FRESHNESS_ESCALATION_MINUTES: z.coerce.number().int().min(1).max(120).default(15),
    FRESHNESS_MAX_ESCALATIONS: z.coerce.number().int().min(1).max(100).default(4),
    // Alert intake (api/features/drafts/api): PagerDuty signs its v3 webhooks with this subscription
    // secret; without it the PagerDuty route refuses every post rather than accept unsigned ones.
    PAGERDUTY_WEBHOOK_SECRET: z.string().min(16, 'use the secret PagerDuty showed when the webhook subscription was created').optional(),
    // Operating it (api/logging, api/metrics).
    LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'use json (one JSON object a line, for a log collector) or pretty (for a terminal)' }).optional(),
    LOG_READS: z
      .enum(['summary', 'each'], { error: 'use summary (one line every 10 s for the published files answered) or each (a line per answer)' })
      .default('summary'),
    METRICS_TOKEN: z.string().min(16, 'use at least 16 characters, e.g. `openssl rand -hex 16`').optional(),
    // Mirrors (api/platform/mirror): a command run after each publish with the list of changed files.
    MIRROR_COMMAND: z
      .string()
      .superRefine((text, ctx) => {
        const split = splitCommand(text);
        if ('error' in split)
          ctx.addIssue({ code: 'custom', message: `${split.error}; write the command as in a shell, e.g. rclone copy --files-from {files} {dir} r2:status` });
      })
      .optional(),
    MIRROR_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
    MIRROR_MAX_LAG_SECONDS: z.coerce.number().int().min(1, 'use at least 1').max(86_400).default(120),
    // Upstream providers (api/features/upstreams): how often each one's components.json is read.
    UPSTREAM_POLL_SECONDS: z.coerce.number().int().min(1, 'use at least 1').max(3600, 'use at most 3600').default(60),
    // Signals (api/features/signals): availability and metric charts from a Prometheus-compatible query API.
    PROMETHEUS_URL: baseUrl('the address of the Prometheus query API, e.g. http://prometheus:9090 (Thanos, Mimir, VictoriaMetrics too)').optional(),
    PROMETHEUS_BEARER_TOKEN: z.string().min(1).optional(),
    // How long a service's measured availability stays at 0 before Herald proposes a major outage for it.
    AVAILABILITY_DROP_SECONDS: z.coerce.number().int().min(1, 'use at least 1').max(86_400).default(300),
    PROMETHEUS_BASIC_AUTH: z
      .string()
      .regex(/^[^:]+:.+$/, 'write user:password')
      .optional(),
    // Uptime reports (api/features/reports): whether announced maintenance counts as downtime.
    REPORT_MAINTENANCE_AS_DOWNTIME: Flag.default(false),
    // Maintenance reminders (docs/calendar.md): how long before a window starts subscribers are reminded.
    MAINTENANCE_REMINDERS: z
      .string()
      .default('24h,1h')
      .transform((text, ctx) => {
        const parsed = parseLeadTimes(text);
        if ('minutes' in parsed) return parsed.minutes;
        ctx.addIssue({ code: 'custom', message: parsed.error });
        return z.NEVER;
      }),
  })
  .superRefine((env, ctx) => {
    // Slack deliveries go through the webhook guard: say now, not at the first incident, that it would refuse this one.
    if (env.PROMETHEUS_BEARER_TOKEN && env.PROMETHEUS_BASIC_AUTH)
      ctx.addIssue({ code: 'custom', path: ['PROMETHEUS_BASIC_AUTH'], message: 'set PROMETHEUS_BEARER_TOKEN or PROMETHEUS_BASIC_AUTH, not both' });
    if (!env.SLACK_WEBHOOK_URL || env.WEBHOOK_ALLOW_LOCAL || !URL.canParse(env.SLACK_WEBHOOK_URL)) return;
    const problem = targetProblem(new URL(env.SLACK_WEBHOOK_URL), false);
    if (problem) ctx.addIssue({ code: 'custom', path: ['SLACK_WEBHOOK_URL'], message: `${problem} Use the https://hooks.slack.com/… URL Slack gave you.` });
  })
  .transform((env) => ({
    host: env.HOST,
    port: env.PORT,
    /** Listening sockets; more than 1 shares the port with SO_REUSEPORT (see api/platform/http/listen.ts for the risk). */
    listenSockets: env.LISTEN_SOCKETS,
    publicUrl: (env.PUBLIC_URL ?? `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${env.PORT}`).replace(/\/+$/, ''),
    /** Where a static copy's subscribe form posts (the live Herald); null: the copy has no sign-up form. */
    publicApiUrl: env.PUBLIC_API_URL?.replace(/\/+$/, '') ?? null,
    /** False when the public URL was derived from HOST and PORT (the server then uses the port it got). */
    publicUrlSet: env.PUBLIC_URL !== undefined,
    databaseUrl: env.DATABASE_URL,
    databaseAuthToken: env.DATABASE_AUTH_TOKEN,
    snapshotDir: env.SNAPSHOT_DIR,
    contentDir: env.CONTENT_DIR,
    adminToken: env.HERALD_ADMIN_TOKEN,
    demo: env.HERALD_DEMO,
    updateIntervalMinutes: env.UPDATE_INTERVAL_MINUTES,
    /** Proxies in front of Herald whose X-Forwarded-For entries are believed (0: the socket's address is the client's). */
    trustProxy: env.TRUST_PROXY,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    mailRatePerSecond: env.MAIL_RATE_PER_SECOND,
    smtpPoolSize: env.SMTP_POOL_SIZE,
    secret: env.HERALD_SECRET,
    slackWebhookUrl: env.SLACK_WEBHOOK_URL,
    webhookAllowLocal: env.WEBHOOK_ALLOW_LOCAL,
    /** Whether uptime reports count announced maintenance as downtime (a report may ask otherwise with ?maintenance=). */
    reportMaintenanceAsDowntime: env.REPORT_MAINTENANCE_AS_DOWNTIME,
    outboxLeaseSeconds: env.OUTBOX_LEASE_SECONDS,
    freshness: {
      webhookUrl: env.FRESHNESS_WEBHOOK_URL ?? null,
      checkSeconds: env.FRESHNESS_CHECK_SECONDS,
      escalation: { repeatMinutes: env.FRESHNESS_ESCALATION_MINUTES, maxEscalations: env.FRESHNESS_MAX_ESCALATIONS },
    },
    /** Null: pretty on a terminal, json otherwise (the server decides, it knows its stdout). */
    logFormat: env.LOG_FORMAT ?? null,
    /** Published files answered: summed into a line every 10 s, or a line each (api/platform/log/reads.ts). */
    logReads: env.LOG_READS,
    /** When set, GET /metrics needs `Authorization: Bearer <it>`. */
    metricsToken: env.METRICS_TOKEN,
    /** The key PagerDuty signs webhooks with (X-PagerDuty-Signature); unset: /api/intake/pagerduty refuses. */
    pagerdutyWebhookSecret: env.PAGERDUTY_WEBHOOK_SECRET,
    /**
     * The command copying each publish's changed files elsewhere (`{files}`: their list, `{dir}`:
     * the snapshot directory), its time limit, and the lag past which a failing mirror turns
     * /healthz red; null: no mirror.
     */
    /** Reminders before each maintenance window starts, in minutes, longest first (a window may set its own). */
    maintenanceReminderMinutes: env.MAINTENANCE_REMINDERS,
    mirror: env.MIRROR_COMMAND
      ? {
          command: (splitCommand(env.MIRROR_COMMAND) as { words: string[] }).words,
          timeoutSeconds: env.MIRROR_TIMEOUT_SECONDS,
          maxLagSeconds: env.MIRROR_MAX_LAG_SECONDS,
        }
      : null,
    /** How often each upstream provider (content/services.json `upstream`) is read. */
    upstreamPollSeconds: env.UPSTREAM_POLL_SECONDS,
    /**
     * Where availability and metric charts are measured (api/features/signals); null: every
     * figure comes from posted status. The operator's own setting, so it is reached as
     * configured, loopback and private addresses included (redirects are still checked).
     */
    /** How long a measured availability of 0 lasts before a status proposal (api/features/proposals). */
    availabilityDropMs: env.AVAILABILITY_DROP_SECONDS * 1000,
    prometheus: env.PROMETHEUS_URL
      ? { url: env.PROMETHEUS_URL.replace(/\/+$/, ''), bearerToken: env.PROMETHEUS_BEARER_TOKEN ?? null, basicAuth: env.PROMETHEUS_BASIC_AUTH ?? null }
      : null,
  }));
export type Config = z.infer<typeof ConfigSchema>;

/** Every secret value of a configuration: what the log scrubs and what `npm run doctor` masks. */
export function configSecrets(config: Config): string[] {
  const smtpPassword = config.smtpUrl ? safeDecode(new URL(config.smtpUrl).password) : undefined;
  // A Slack incoming-webhook URL is a credential: whoever has it can post to the channel.
  return [
    config.adminToken,
    config.secret,
    config.databaseAuthToken,
    config.metricsToken,
    smtpPassword,
    config.slackWebhookUrl,
    config.freshness.webhookUrl,
    config.pagerdutyWebhookSecret,
    config.prometheus?.bearerToken,
    config.prometheus?.basicAuth,
    config.prometheus?.basicAuth?.slice(config.prometheus.basicAuth.indexOf(':') + 1),
  ].filter((s): s is string => Boolean(s));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Parses the environment once, at start. Fails with every bad variable named and what to do,
 * before anything opens or listens.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`[Config] Invalid environment:\n${lines.join('\n')}\nSee docs/configuration.md.`);
}
