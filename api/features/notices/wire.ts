/**
 * Builds everything subscribers' notices need from the config, for the composition root
 * (api/assemble.ts): the link-signing secret, the notifier, and the notices' lanes on the one
 * delivery queue.
 */
import type { Config } from '../../platform/config.ts';
import { join } from 'node:path';
import { loadMessageTemplates, type SiteSettings } from '../../platform/content.ts';
import type { Clock } from '../../platform/clock.ts';
import { ENGLISH, type Messages } from '../../shared/messages.ts';
import type { Db } from '../../platform/db/client.ts';
import type { Log } from '../../platform/log/log.ts';
import { loadLinkSecret } from '../subscribers/index.ts';
import type { ComposeSettings } from './compose.ts';
import { createChannelDelivery, createHookDelivery } from '../webhooks/index.ts';
import type { Mailer } from '../../platform/delivery/mailer.ts';
import type { DeliveryQueue } from '../../platform/delivery/queue.ts';
import { noticeLanes } from './lanes.ts';
import { createOutboxNotifier } from './outbox-notifier.ts';
import { loadMailTemplates } from './mail-templates.ts';

/**
 * The domain of the default sender for a PUBLIC_URL host: the host itself when it is a domain
 * name; an IP address as an address literal (RFC 5321 4.1.3: `[127.0.0.1]`, `[IPv6:::1]`), so
 * the address stays valid and still says where it comes from; `localhost` as
 * `localhost.localdomain`.
 * @example senderDomain('127.0.0.1') // '[127.0.0.1]'
 * @example senderDomain('[::1]') // '[IPv6:::1]'
 */
export function senderDomain(host: string): { domain: string; isName: boolean } {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return { domain: `[${host}]`, isName: false };
  if (host.startsWith('[') && host.endsWith(']')) return { domain: `[IPv6:${host.slice(1, -1)}]`, isName: false };
  if (host === 'localhost') return { domain: 'localhost.localdomain', isName: false };
  return { domain: host, isName: true };
}

/**
 * MAIL_FROM, or "<site title> <status@<public host>>". When PUBLIC_URL's host is not a domain
 * name (an IP address, localhost), the default still works with a local relay but many mail
 * servers refuse it: `warning` says to set MAIL_FROM (the server logs it at start).
 */
export function mailFrom(
  config: Pick<Config, 'mailFrom' | 'publicUrl'>,
  settings: Pick<SiteSettings, 'title'>,
): { from: string; address: string; warning: string | null } {
  const host = new URL(config.publicUrl).hostname;
  const { domain, isName } = senderDomain(host);
  const from = config.mailFrom ?? `"${settings.title.replace(/"/g, '')}" <status@${domain}>`;
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
  const warning =
    config.mailFrom || isName
      ? null
      : `[Mail] PUBLIC_URL's host (${host}) is not a domain name, so mail comes from ${address}; many mail servers refuse such a sender. Set MAIL_FROM to an address at your domain, e.g. MAIL_FROM='"Status" <status@example.com>'.`;
  return { from, address, warning };
}

/** Registers the notices' lanes on `delivery`; returns the link secret, how mail is composed, and the notifier. */
export async function setupNotifications(deps: {
  db: Db;
  config: Config;
  clock: Clock;
  settings: SiteSettings;
  messages?: Messages;
  log: Log;
  mailer: Mailer;
  delivery: DeliveryQueue;
}) {
  const { db, config, clock, settings, log, mailer } = deps;
  const { secret, generated } = await loadLinkSecret(db, config.secret, clock.now());
  if (generated) log.info('[Subscribe] Signing subscriber links with a key kept in the database; set HERALD_SECRET to keep it out of it.');
  const compose: ComposeSettings = {
    publicUrl: config.publicUrl,
    siteTitle: settings.title,
    secret,
    unsubscribeMailbox: mailFrom(config, settings).address,
    templates: loadMailTemplates(config.contentDir, deps.messages),
    messages: deps.messages ?? ENGLISH,
  };
  const deliverHook = createHookDelivery({
    publicUrl: config.publicUrl,
    slackWebhookUrl: config.slackWebhookUrl,
    slackTemplates: loadMessageTemplates(join(config.contentDir, 'slack')),
    allowLocal: config.webhookAllowLocal,
    db,
  });
  const deliverChannel = createChannelDelivery({ db, publicUrl: config.publicUrl, allowLocal: config.webhookAllowLocal, now: () => clock.now() });
  deps.delivery.register(...noticeLanes({ db, clock, mailer, compose, deliverHook, deliverChannel }));
  return { secret, compose, notifier: createOutboxNotifier({ slack: Boolean(config.slackWebhookUrl) }) };
}
