/**
 * A notice to a subscriber's chat or webhook target, in the words customers read (the mail's):
 * pure, given the subscriber's links, the incident or window, and the catalogue. The formats
 * (api/features/webhooks/channel-formats.ts) lay it out for Slack, Teams and Discord.
 */
import type { IncidentRecord } from '../incidents/index.ts';
import { maintenanceEntryLabel, type MaintenanceRecord } from '../maintenance/index.ts';
import type { SubscriberRecord } from '../subscribers/index.ts';
import type { ChannelNotice } from '../webhooks/index.ts';
import { markdownToText } from '../../platform/markdown.ts';
import { ENGLISH, type Messages } from '../../shared/messages.ts';
import { makeRef } from '../../shared/refs.ts';

const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

type Settings = { publicUrl: string; siteTitle: string; messages?: Messages | undefined };
type Links = { manageUrl: string };

const LEVEL = { P0: 3, P1: 2, P2: 1, P3: 0 } as const;

/** The notice of one incident update, or undefined when the update is gone. */
export function incidentNotice(incident: IncidentRecord, updateId: number, links: Links, settings: Settings): ChannelNotice | undefined {
  const update = incident.updates.find((u) => u.id === updateId);
  if (!update) return undefined;
  const { t } = settings.messages ?? ENGLISH;
  const ref = makeRef('incident', incident.id);
  const statusLabel = t(`incident.status.${update.status}`);
  return {
    kind: 'incident',
    siteTitle: settings.siteTitle,
    headline: t('mail.incident.subject', { statusLabel, title: incident.title, ref }),
    message: markdownToText(update.message),
    facts: [
      { title: t('channel.impact'), value: [t(`severity.${incident.severity}`), incident.impact].filter(Boolean).join(' — ') },
      {
        title: t('mail.affected'),
        value: incident.services.map((s) => `${s.name}: ${t(`service.status.${s.status}`)}`).join('\n') || '—',
      },
      ...(update.nextUpdateBy ? [{ title: t('channel.nextUpdate'), value: utc(update.nextUpdateBy) }] : []),
    ],
    link: { url: `${settings.publicUrl}/incidents/${ref}`, label: t('channel.follow', { ref }) },
    manage: { url: links.manageUrl, label: t('channel.manage') },
    postedAt: update.createdAt,
    level: update.status === 'resolved' ? 0 : LEVEL[incident.severity],
  };
}

/** The notice of an incident's published postmortem, or undefined when it is no longer published. */
export function postmortemNotice(incident: IncidentRecord, links: Links, settings: Settings): ChannelNotice | undefined {
  if (incident.postmortemBody === null || incident.postmortemPublishedAt === null) return undefined;
  const { t } = settings.messages ?? ENGLISH;
  const ref = makeRef('incident', incident.id);
  return {
    kind: 'postmortem',
    siteTitle: settings.siteTitle,
    headline: t('mail.incident.subject', { statusLabel: t('incident.postmortem'), title: incident.title, ref }),
    message: markdownToText(incident.postmortemBody),
    facts: [{ title: t('mail.affected'), value: incident.services.map((s) => s.name).join('\n') || '—' }],
    link: { url: `${settings.publicUrl}/incidents/${ref}#postmortem`, label: t('incident.readPostmortem') },
    manage: { url: links.manageUrl, label: t('channel.manage') },
    postedAt: incident.postmortemPublishedAt,
    level: 0,
  };
}

/** The notice of one entry on a maintenance window's timeline, or undefined when it is gone. */
export function maintenanceNotice(m: MaintenanceRecord, updateId: number, links: Links, settings: Settings): ChannelNotice | undefined {
  const update = m.updates.find((u) => u.id === updateId);
  if (!update) return undefined;
  const { t } = settings.messages ?? ENGLISH;
  const ref = makeRef('maintenance', m.id);
  return {
    kind: 'maintenance',
    siteTitle: settings.siteTitle,
    headline: t('mail.incident.subject', { statusLabel: maintenanceEntryLabel(update, settings.messages), title: m.title, ref }),
    message: markdownToText(update.message),
    facts: [
      { title: t('channel.when'), value: `${utc(m.scheduledFor)} – ${utc(m.scheduledUntil)}` },
      { title: t('mail.affected'), value: m.services.map((s) => s.name).join('\n') || '—' },
    ],
    link: { url: `${settings.publicUrl}/maintenance/${ref}`, label: t('channel.follow', { ref }) },
    manage: { url: links.manageUrl, label: t('channel.manage') },
    postedAt: update.createdAt,
    level: 0,
  };
}

/** The test message a target gets when it is confirmed (or resumed): what it will hear, and the links. */
export function testNotice(subscriber: Pick<SubscriberRecord, 'channel' | 'events'>, links: Links, settings: Settings, now: Date): ChannelNotice {
  const { t } = settings.messages ?? ENGLISH;
  return {
    kind: 'test',
    siteTitle: settings.siteTitle,
    headline: t('channel.test.headline', { siteTitle: settings.siteTitle }),
    message: t('channel.test.message', { siteTitle: settings.siteTitle, events: t(`channel.events.${subscriber.events}`) }),
    facts: [],
    link: { url: settings.publicUrl, label: t('channel.openPage') },
    manage: { url: links.manageUrl, label: t('channel.manage') },
    postedAt: now.toISOString(),
    level: 0,
  };
}
