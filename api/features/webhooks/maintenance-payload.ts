/**
 * What webhooks and Slack receive about a maintenance window: pure. Webhooks get the window as
 * a Statuspage scheduled maintenance (impact `maintenance`, the planned window, the timeline)
 * in the same envelope as an incident update; Slack gets a customer-facing summary in mrkdwn
 * with real line breaks. The entry's event (scheduled, started, extended, ended, cancelled)
 * names the webhook (`x-herald-event: maintenance.extended`) and heads the Slack message.
 */
import type { MaintenanceRecord } from '../maintenance/index.ts';
import { makeRef } from '../../shared/refs.ts';
import { MAINTENANCE_EVENT_LABEL, type MaintenanceEvent } from '../../shared/vocabulary.ts';
import { markdownToText } from '../../platform/markdown.ts';
import { affectedComponent, componentsById, STATUSPAGE_PAGE_ID, statuspageUpdateId } from '../../shared/statuspage-components.ts';
import type { PageState } from './page-state.ts';

const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** The entry `updateId` of `m`, and what it did (an entry that is gone reads as a plain update). */
export function maintenanceEntry(m: MaintenanceRecord, updateId: number): { event: MaintenanceEvent; message: string; createdAt: string } | undefined {
  return m.updates.find((u) => u.id === updateId);
}

/** The webhook event name for an entry: `maintenance.scheduled`, `maintenance.extended`, … */
export const maintenanceHookEvent = (event: MaintenanceEvent) => `maintenance.${event}`;

/** The page in every webhook payload: its id and address, and its overall status as Statuspage words it. */
export const webhookPage = (publicUrl: string, state: PageState) => ({
  id: STATUSPAGE_PAGE_ID,
  url: publicUrl,
  status_indicator: state.indicator,
  status_description: state.description,
});

/** A Statuspage-shaped webhook body for one entry on a window's timeline, its components those of `components.json`. Pure. */
export function maintenanceWebhookPayload(m: MaintenanceRecord, updateId: number, publicUrl: string, state: PageState) {
  const ref = makeRef('maintenance', m.id);
  const listed = componentsById(state.components);
  return {
    meta: { documentation: `${publicUrl}/api/openapi.json`, generated_at: m.updatedAt },
    page: webhookPage(publicUrl, state),
    incident: {
      id: ref,
      name: m.title,
      status: m.status,
      impact: 'maintenance',
      created_at: m.createdAt,
      updated_at: m.updatedAt,
      started_at: m.startedAt ?? m.scheduledFor,
      resolved_at: m.completedAt,
      scheduled_for: m.scheduledFor,
      scheduled_until: m.scheduledUntil,
      shortlink: `${publicUrl}/maintenance/${ref}`,
      page_id: STATUSPAGE_PAGE_ID,
      components: m.services.map((s) => affectedComponent(listed, s)),
      incident_updates: [...m.updates].reverse().map((u) => ({
        id: statuspageUpdateId(ref, u.id),
        incident_id: ref,
        status: u.status,
        body: u.message,
        created_at: u.createdAt,
        updated_at: u.createdAt,
        display_at: u.createdAt,
      })),
      update_id: statuspageUpdateId(ref, updateId),
      event: maintenanceEntry(m, updateId)?.event ?? 'updated',
    },
  };
}

/**
 * Slack's own escaping: `&`, `<` and `>` would otherwise start entities, links and mentions.
 * @example slackEscape('<!here> & co') // '&lt;!here&gt; &amp; co'
 */
export const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The Slack message for one entry: what happened, when the window is, which services, the
 * entry as customers read it, and the link. No internal fields: a window has none.
 * @example maintenanceSlackMessage(m, 9, 'https://status.example.com').text
 * // '🛠️ *Maintenance extended: Database upgrade*\nWhen: 2026-03-10 22:00 UTC to 2026-03-11 01:30 UTC\n…'
 */
export function maintenanceSlackMessage(m: MaintenanceRecord, updateId: number, publicUrl: string) {
  const ref = makeRef('maintenance', m.id);
  const entry = maintenanceEntry(m, updateId);
  const lines = [
    `🛠️ *${MAINTENANCE_EVENT_LABEL[entry?.event ?? 'updated']}: ${slackEscape(m.title)}*`,
    `When: ${utc(m.scheduledFor)} to ${utc(m.scheduledUntil)}`,
    `Services: ${m.services.length ? slackEscape(m.services.map((s) => s.name).join(', ')) : 'none named'}`,
    '',
    slackEscape(entry ? markdownToText(entry.message) : ''),
    `<${publicUrl}/maintenance/${ref}|Open ${ref}> · ${slackEscape(m.title)}`,
  ];
  return { text: lines.join('\n'), mrkdwn: true };
}
