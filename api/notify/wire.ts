/**
 * Builds everything subscribers and the outbox need from the config, for the composition
 * root: the notifier for createApp, the subscription deps, and the sender job.
 */
import { dirname, join } from 'node:path';
import type { Config } from '../config.ts';
import type { SiteSettings } from '../content.ts';
import type { Clock } from '../domain/clock.ts';
import type { Db } from '../db/client.ts';
import { loadLinkSecret } from '../subscribers/secret.ts';
import type { SubscriptionDeps } from '../subscribers/routes.ts';
import { createHookDelivery } from './hooks.ts';
import { createMailer, type Mailer } from './mailer.ts';
import { createNotifier } from './notifier.ts';
import { createSender } from './sender.ts';
import { loadTemplates } from './templates.ts';

type Log = Pick<Console, 'info' | 'warn' | 'error'>;

/** MAIL_FROM, or "<site title> <status@<public host>>". */
export function mailFrom(config: Pick<Config, 'mailFrom' | 'publicUrl'>, settings: Pick<SiteSettings, 'title'>): { from: string; address: string } {
  const host = new URL(config.publicUrl).hostname;
  const domain = /^[\d.]+$|^\[|:|^localhost$/.test(host) ? 'localhost.localdomain' : host;
  const from = config.mailFrom ?? `"${settings.title.replace(/"/g, '')}" <status@${domain}>`;
  return { from, address: /<([^>]+)>/.exec(from)?.[1] ?? from.trim() };
}

export async function setupNotifications(deps: { db: Db; config: Config; clock: Clock; settings: SiteSettings; log: Log; mailer?: Mailer }) {
  const { db, config, clock, settings, log } = deps;
  const { secret, generated } = await loadLinkSecret(db, config.secret, clock.now());
  if (generated) log.info('[Subscribe] Signing subscriber links with a key kept in the database; set HERALD_SECRET to keep it out of it.');
  const sender = mailFrom(config, settings);
  const mailer =
    deps.mailer ??
    createMailer({
      smtpUrl: config.smtpUrl,
      from: sender.from,
      outboxDir: join(dirname(config.snapshotDir), 'mail'),
      ratePerSecond: config.mailRatePerSecond,
      log,
    });
  if (mailer.kind === 'files') log.info(`[Mail] No SMTP_URL: mail is written as .eml files under ${join(dirname(config.snapshotDir), 'mail')}.`);
  const subscriptions: SubscriptionDeps = { secret, webhookAllowLocal: config.webhookAllowLocal };
  const notifier = createNotifier({ slack: Boolean(config.slackWebhookUrl) });
  const job = createSender({
    db,
    clock,
    mailer,
    log,
    leaseMs: config.outboxLeaseSeconds * 1000,
    compose: { publicUrl: config.publicUrl, siteTitle: settings.title, secret, unsubscribeMailbox: sender.address, templates: loadTemplates(config.contentDir) },
    deliverHook: createHookDelivery({ publicUrl: config.publicUrl, slackWebhookUrl: config.slackWebhookUrl, allowLocal: config.webhookAllowLocal, db }),
  });
  return {
    notifier,
    subscriptions,
    /** Starts the sender; the returned function stops it and closes the mail transport. */
    startSender: () => {
      const stop = job.start();
      return async () => {
        await stop();
        mailer.close();
      };
    },
  };
}
