/**
 * Turns an outbox row into a mail: pure, given the subscriber, the incident and the templates.
 * Rendering is apart from transport, so it is tested without SMTP.
 */
import type { IncidentRecord } from '../incidents/index.ts';
import { maintenanceEntryLabel, renderMaintenanceCalendar, type MaintenanceRecord } from '../maintenance/index.ts';
import { ENGLISH, type Messages } from '../../shared/messages.ts';
import { markdownToText, renderMarkdown } from '../../platform/markdown.ts';
import type { SubscriberRecord } from '../subscribers/index.ts';
import { signLink } from '../subscribers/index.ts';
import type { MailMessage } from '../../platform/delivery/mailer.ts';
import type { OutboxRow } from '../../platform/delivery/outbox.ts';
import { escapeHtml, type MailTemplate, type MailTemplates, type VarsOf } from './mail-templates.ts';
import { makeRef } from '../../shared/refs.ts';

export type ComposeSettings = {
  publicUrl: string;
  siteTitle: string;
  secret: string;
  /** The address in `List-Unsubscribe: <mailto:…>`: MAIL_FROM's address. */
  unsubscribeMailbox: string;
  templates: MailTemplates;
  /** The words of the values the composer fills (status, impact, services); English as shipped when absent. */
  messages?: Messages;
};

export type Composed = { mail: MailMessage } | { cancel: string };

/** Links a subscriber's mails carry; absolute, from PUBLIC_URL. */
export function subscriberLinks(settings: Pick<ComposeSettings, 'publicUrl' | 'secret'>, subscriber: SubscriberRecord) {
  const manage = signLink(settings.secret, 'manage', subscriber.id, subscriber.manageNonce);
  return {
    manageToken: manage,
    manageUrl: `${settings.publicUrl}/subscribe/manage/${manage}`,
    unsubscribeUrl: `${settings.publicUrl}/unsubscribe/${manage}`,
    confirmUrl: subscriber.confirmNonce
      ? `${settings.publicUrl}/subscribe/confirm/${signLink(settings.secret, 'confirm', subscriber.id, subscriber.confirmNonce)}`
      : null,
  };
}

const host = (publicUrl: string) => new URL(publicUrl).hostname;

const CHANNEL_NAME = { email: 'email', webhook: 'webhook', slack: 'Slack', teams: 'Microsoft Teams', discord: 'Discord' } as const;

/**
 * A chat or webhook target as its contact's mail names it: the channel and the URL's origin
 * (the path of a Slack or Teams URL is its secret); null for email.
 * @example targetName({ channel: 'slack', target: 'https://hooks.slack.com/services/T/B/X' }) // 'Slack (https://hooks.slack.com)'
 */
export const targetName = (s: Pick<SubscriberRecord, 'channel' | 'target'>): string | null =>
  s.channel === 'email' || !s.target ? null : `${CHANNEL_NAME[s.channel]} (${new URL(s.target).origin})`;

/**
 * The one mail to a target's contact when the target is paused after a day of failures: what
 * happened, and the manage link that resumes it or unsubscribes. Sent while it stays paused.
 */
function composePausedMail(row: OutboxRow, subscriber: SubscriberRecord, links: { manageUrl: string }, settings: ComposeSettings): Composed {
  if (subscriber.state !== 'paused') return { cancel: `subscriber is ${subscriber.state}` };
  const { t } = settings.messages ?? ENGLISH;
  const params = { siteTitle: settings.siteTitle, channel: CHANNEL_NAME[subscriber.channel], target: targetName(subscriber) ?? '' };
  const subject = t('mail.paused.subject', params);
  const body = t('mail.paused.text', params);
  const resume = t('mail.paused.resume');
  return {
    mail: {
      to: subscriber.email,
      subject,
      text: `${body}\n\n${resume}: ${links.manageUrl}\n`,
      html: `<!doctype html><html lang="${escapeHtml((settings.messages ?? ENGLISH).lang)}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body><p>${escapeHtml(body)}</p><p><a href="${escapeHtml(links.manageUrl)}">${escapeHtml(resume)}</a></p></body></html>`,
      messageId: `<herald.paused.o${row.id}@${host(settings.publicUrl)}>`,
    },
  };
}

/** How many update messages `renderedMessage` keeps: a fan-out goes through one or two at a time. */
const RENDERED_KEPT = 32;
const rendered = new Map<string, { text: string; html: string }>();

/**
 * An update's message as text and as sanitised HTML, rendered once per message rather than once
 * per recipient: a fan-out to 100,000 subscribers renders the same markdown 100,000 times
 * otherwise. Both renderings are pure, so a kept one is the same as a fresh one.
 */
function renderedMessage(markdown: string): { text: string; html: string } {
  let found = rendered.get(markdown);
  if (!found) {
    found = { text: markdownToText(markdown), html: renderMarkdown(markdown) };
    if (rendered.size >= RENDERED_KEPT) rendered.delete(rendered.keys().next().value as string);
    rendered.set(markdown, found);
  }
  return found;
}
const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/**
 * The Message-ID of the mail about `updateId` to `subscriberId`: the same on every attempt,
 * so a mail resent after a crash is recognisably the same mail.
 */
const incidentMessageId = (publicUrl: string, incidentId: number, updateId: number, subscriberId: number) =>
  `<herald.inc${incidentId}.u${updateId}.s${subscriberId}@${host(publicUrl)}>`;

/** Fills a compiled template: one pass, so what the values hold is never read as template. */
function fill<K extends keyof MailTemplates>(template: MailTemplate<K>, vars: VarsOf<K>) {
  return { subject: template.subject(vars), text: template.text(vars), html: template.html(vars) };
}

/** The mail an outbox row stands for, or why it should not be sent any more. */
export function composeMail(
  row: OutboxRow,
  subscriber: SubscriberRecord | undefined,
  incident: IncidentRecord | undefined,
  settings: ComposeSettings,
): Composed {
  if (!subscriber) return { cancel: 'subscriber removed' };
  const links = subscriberLinks(settings, subscriber);
  const base = { to: subscriber.email };
  if (row.kind === 'confirm') {
    if (subscriber.state !== 'pending' || !links.confirmUrl) return { cancel: `subscriber is ${subscriber.state}` };
    const vars: VarsOf<'confirm'> = { siteTitle: settings.siteTitle, confirmUrl: links.confirmUrl, target: targetName(subscriber) };
    return { mail: { ...base, ...fill(settings.templates.confirm, vars), messageId: `<herald.confirm.o${row.id}@${host(settings.publicUrl)}>` } };
  }
  if (row.kind === 'paused') return composePausedMail(row, subscriber, links, settings);
  if (subscriber.state !== 'confirmed') return { cancel: `subscriber is ${subscriber.state}` };
  const listHeaders = {
    // RFC 8058: one https URL that accepts a POST of "List-Unsubscribe=One-Click", and a mailto.
    'List-Unsubscribe': `<${links.unsubscribeUrl}>, <mailto:${settings.unsubscribeMailbox}?subject=unsubscribe%20${links.manageToken}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
  if (row.kind === 'welcome') {
    const vars: VarsOf<'welcome'> = { siteTitle: settings.siteTitle, manageUrl: links.manageUrl };
    return {
      mail: { ...base, ...fill(settings.templates.welcome, vars), messageId: `<herald.welcome.o${row.id}@${host(settings.publicUrl)}>`, headers: listHeaders },
    };
  }
  const update = incident?.updates.find((u) => u.id === row.updateId);
  if (!incident || !update) return { cancel: 'update no longer exists' };
  const ref = makeRef('incident', incident.id);
  const { t } = settings.messages ?? ENGLISH;
  const vars: VarsOf<'incident'> = {
    siteTitle: settings.siteTitle,
    title: incident.title,
    ref,
    statusLabel: t(`incident.status.${update.status}`),
    severityLabel: t(`severity.${incident.severity}`),
    impact: incident.impact,
    message: renderedMessage(update.message).text,
    messageHtml: renderedMessage(update.message).html,
    services: incident.services.map((s) => `- ${s.name}: ${t(`service.status.${s.status}`)}`).join('\n'),
    servicesHtml: incident.services.map((s) => `<li>${escapeHtml(s.name)}: ${escapeHtml(t(`service.status.${s.status}`))}</li>`).join(''),
    nextUpdateBy: update.nextUpdateBy ? utc(update.nextUpdateBy) : null,
    postedAt: utc(update.createdAt),
    permalink: `${settings.publicUrl}/incidents/${ref}`,
    manageUrl: links.manageUrl,
    unsubscribeUrl: links.unsubscribeUrl,
    about: t('mail.aboutIncident'),
    calendarUrl: null,
  };
  const thread = `<herald.inc${incident.id}@${host(settings.publicUrl)}>`;
  return {
    mail: {
      ...base,
      ...fill(settings.templates.incident, vars),
      messageId: incidentMessageId(settings.publicUrl, incident.id, update.id, subscriber.id),
      headers: { ...listHeaders, References: thread, 'In-Reply-To': thread },
    },
  };
}

/**
 * The mail announcing an incident's published postmortem. It uses the operator's incident
 * template, as a maintenance mail does: the status reads "Postmortem", the message is the
 * postmortem, the permalink its heading on the incident page, and it joins the incident's thread.
 */
export function composePostmortemMail(subscriber: SubscriberRecord | undefined, incident: IncidentRecord | undefined, settings: ComposeSettings): Composed {
  if (!subscriber) return { cancel: 'subscriber removed' };
  if (subscriber.state !== 'confirmed') return { cancel: `subscriber is ${subscriber.state}` };
  if (!incident || incident.postmortemBody === null || incident.postmortemPublishedAt === null) return { cancel: 'postmortem no longer published' };
  const links = subscriberLinks(settings, subscriber);
  const ref = makeRef('incident', incident.id);
  const { t } = settings.messages ?? ENGLISH;
  const vars: VarsOf<'incident'> = {
    siteTitle: settings.siteTitle,
    title: incident.title,
    ref,
    statusLabel: t('incident.postmortem'),
    severityLabel: t(`severity.${incident.severity}`),
    impact: incident.impact,
    message: markdownToText(incident.postmortemBody),
    messageHtml: renderMarkdown(incident.postmortemBody),
    services: incident.services.map((s) => `- ${s.name}`).join('\n'),
    servicesHtml: incident.services.map((s) => `<li>${escapeHtml(s.name)}</li>`).join(''),
    nextUpdateBy: null,
    postedAt: utc(incident.postmortemPublishedAt),
    permalink: `${settings.publicUrl}/incidents/${ref}#postmortem`,
    manageUrl: links.manageUrl,
    unsubscribeUrl: links.unsubscribeUrl,
    about: t('mail.aboutIncident'),
    calendarUrl: null,
  };
  return threadedNotice(settings, subscriber.email, links, vars, {
    messageId: `<herald.inc${incident.id}.pm.s${subscriber.id}@${host(settings.publicUrl)}>`,
    thread: `<herald.inc${incident.id}@${host(settings.publicUrl)}>`,
  });
}

/**
 * The mail about a maintenance update. It uses the operator's incident template (same
 * timeline, same fields): the "severity" reads "Planned maintenance", the impact line gives
 * the window, `about` ("Follow {{about}}: …") names the window, and the permalink is the
 * maintenance page.
 */
export function composeMaintenanceMail(
  row: OutboxRow,
  subscriber: SubscriberRecord | undefined,
  maintenance: MaintenanceRecord | undefined,
  settings: ComposeSettings,
): Composed {
  if (!subscriber) return { cancel: 'subscriber removed' };
  if (subscriber.state !== 'confirmed') return { cancel: `subscriber is ${subscriber.state}` };
  const update = maintenance?.updates.find((u) => u.id === row.maintenanceUpdateId);
  if (!maintenance || !update) return { cancel: 'update no longer exists' };
  const links = subscriberLinks(settings, subscriber);
  const ref = makeRef('maintenance', maintenance.id);
  const { t } = settings.messages ?? ENGLISH;
  const vars: VarsOf<'incident'> = {
    siteTitle: settings.siteTitle,
    title: maintenance.title,
    ref,
    // What the entry did: an extension or a cancellation does not read "[Scheduled]" or "[Completed]".
    statusLabel: maintenanceEntryLabel(update, settings.messages),
    severityLabel: t('mail.maintenance.severity'),
    impact: t('mail.maintenance.window', { from: utc(maintenance.scheduledFor), until: utc(maintenance.scheduledUntil) }),
    message: renderedMessage(update.message).text,
    messageHtml: renderedMessage(update.message).html,
    services: maintenance.services.map((s) => `- ${s.name}`).join('\n'),
    servicesHtml: maintenance.services.map((s) => `<li>${escapeHtml(s.name)}</li>`).join(''),
    nextUpdateBy: null,
    postedAt: utc(update.createdAt),
    permalink: `${settings.publicUrl}/maintenance/${ref}`,
    manageUrl: links.manageUrl,
    unsubscribeUrl: links.unsubscribeUrl,
    about: t('mail.aboutMaintenance'),
    calendarUrl: `${settings.publicUrl}/maintenance.ics`,
  };
  return threadedNotice(settings, subscriber.email, links, vars, {
    messageId: `<herald.mnt${maintenance.id}.u${update.id}.s${subscriber.id}@${host(settings.publicUrl)}>`,
    thread: `<herald.mnt${maintenance.id}@${host(settings.publicUrl)}>`,
    // The window as a calendar event: a mail client offers to add it (and, by UID and SEQUENCE, to update it).
    attachments: [
      {
        filename: `${ref}.ics`,
        content: renderMaintenanceCalendar([maintenance], {
          publicUrl: settings.publicUrl,
          name: maintenance.title,
          path: '/maintenance.ics',
          method: 'publish',
        }),
        contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
      },
    ],
  });
}

/** A notice on the operator's incident template, in its thread, with the one-click unsubscribe headers (RFC 8058). */
function threadedNotice(
  settings: ComposeSettings,
  to: string,
  links: ReturnType<typeof subscriberLinks>,
  vars: VarsOf<'incident'>,
  ids: { messageId: string; thread: string; attachments?: MailMessage['attachments'] },
): Composed {
  return {
    mail: {
      to,
      ...fill(settings.templates.incident, vars),
      messageId: ids.messageId,
      headers: {
        'List-Unsubscribe': `<${links.unsubscribeUrl}>, <mailto:${settings.unsubscribeMailbox}?subject=unsubscribe%20${links.manageToken}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        References: ids.thread,
        'In-Reply-To': ids.thread,
      },
      ...(ids.attachments ? { attachments: ids.attachments } : {}),
    },
  };
}
