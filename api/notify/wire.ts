/**
 * Builds everything subscribers and the outbox need from the config, for the composition
 * root (api/herald.ts): the link-signing secret, the notifier, and the sender job.
 */
import type { Config } from '../config.ts';
import { join } from 'node:path';
import { loadMessageTemplates, type SiteSettings } from '../content.ts';
import type { Clock } from '../domain/clock.ts';
import type { Db } from '../db/client.ts';
import type { Log } from '../log.ts';
import { loadLinkSecret } from '../subscribers/secret.ts';
import type { ComposeSettings } from './compose.ts';
import { createHookDelivery } from './hooks.ts';
import type { Mailer } from './mailer.ts';
import { createNotifier } from './notifier.ts';
import { createSender, type SenderDeps } from './sender.ts';
import { loadMailTemplates } from './templates.ts';

/** MAIL_FROM, or "<site title> <status@<public host>>". */
export function mailFrom(config: Pick<Config, 'mailFrom' | 'publicUrl'>, settings: Pick<SiteSettings, 'title'>): { from: string; address: string } {
  const host = new URL(config.publicUrl).hostname;
  const domain = /^[\d.]+$|^\[|:|^localhost$/.test(host) ? 'localhost.localdomain' : host;
  const from = config.mailFrom ?? `"${settings.title.replace(/"/g, '')}" <status@${domain}>`;
  return { from, address: /<([^>]+)>/.exec(from)?.[1] ?? from.trim() };
}

export async function setupNotifications(deps: { db: Db; config: Config; clock: Clock; settings: SiteSettings; log: Log; mailer: Mailer; onBatch?: SenderDeps['onBatch'] }) {
  const { db, config, clock, settings, log, mailer } = deps;
  const { secret, generated } = await loadLinkSecret(db, config.secret, clock.now());
  if (generated) log.info('[Subscribe] Signing subscriber links with a key kept in the database; set HERALD_SECRET to keep it out of it.');
  const compose: ComposeSettings = {
    publicUrl: config.publicUrl,
    siteTitle: settings.title,
    secret,
    unsubscribeMailbox: mailFrom(config, settings).address,
    templates: loadMailTemplates(config.contentDir),
  };
  const sender = createSender({
    db,
    clock,
    mailer,
    log,
    leaseMs: config.outboxLeaseSeconds * 1000,
    compose,
    ...(deps.onBatch ? { onBatch: deps.onBatch } : {}),
    deliverHook: createHookDelivery({ publicUrl: config.publicUrl, slackWebhookUrl: config.slackWebhookUrl, slackTemplates: loadMessageTemplates(join(config.contentDir, 'slack')), allowLocal: config.webhookAllowLocal, db }),
  });
  return { secret, compose, notifier: createNotifier({ slack: Boolean(config.slackWebhookUrl) }), sender };
}
