/**
 * Webhook and Slack deliveries for the sender: Statuspage-shaped JSON signed with
 * HMAC-SHA256, and a Slack incoming-webhook message, both through the SSRF guard.
 */
import { createHmac } from 'node:crypto';
import type { Executor } from '../../platform/db/client.ts';
import { postmortemDueAt, type IncidentRecord } from '../incidents/index.ts';
import { formatDuration, formatUtc } from '../../shared/duration.ts';
import { fillMessageTemplate, type Template, type TemplateUse } from '../../shared/templates.ts';
import { IMPACT_BY_SEVERITY, INCIDENT_STATUS_LABEL, STATUSPAGE_INCIDENT_STATUS, type IncidentStatus } from '../../shared/vocabulary.ts';
import { markdownToText } from '../../platform/markdown.ts';
import { guardedPost } from '../../platform/delivery/http-post.ts';
import { ForbiddenTargetError } from '../../platform/delivery/ssrf.ts';
import type { MaintenanceRecord } from '../maintenance/index.ts';
import type { OutboxRow } from '../../platform/delivery/outbox.ts';
import { getServiceEvent, type ServiceEventDetail } from '../services/index.ts';
import { classifyHttpStatus } from '../../platform/delivery/retry.ts';
import { makeRef } from '../../shared/refs.ts';
import { maintenanceEntry, maintenanceHookEvent, maintenanceSlackMessage, maintenanceWebhookPayload, webhookPage } from './maintenance-payload.ts';
import { loadPageState, type PageState } from './page-state.ts';
import { affectedComponent, componentsById, STATUSPAGE_PAGE_ID, statuspageUpdateId } from '../../shared/statuspage-components.ts';

/** Delivers one webhook or Slack row (about an incident or a maintenance window); `retry` and `hard` are failures. */
export type HookDelivery = (
  row: OutboxRow,
  incident: IncidentRecord | undefined,
  maintenance?: MaintenanceRecord | undefined,
) => Promise<{ verdict: 'sent' | 'retry' | 'hard'; detail: string }>;
/**
 * The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. The
 * receiver recomputes it with its secret and rejects old timestamps (replays).
 *
 * @example signPayload('whsec', '{"a":1}', 1700000000) // 't=1700000000,v1=…'
 */
export function signPayload(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

/**
 * A Statuspage-shaped webhook body about an incident: one of its updates (`update_id` names
 * it), or its published postmortem (`updateId` null). Pure. The page carries its overall
 * status, each affected component is the same object as in `components.json`, each update has
 * the id the public JSON gives it ("INC-6-20"), and the postmortem is in Statuspage's
 * `postmortem_*` fields.
 */
export function webhookPayload(incident: IncidentRecord, updateId: number | null, publicUrl: string, state: PageState) {
  const ref = makeRef('incident', incident.id);
  const listed = componentsById(state.components);
  const monitoring = incident.updates.find((u) => u.status === 'monitoring');
  return {
    meta: { documentation: `${publicUrl}/api/openapi.json`, generated_at: incident.updatedAt },
    page: webhookPage(publicUrl, state),
    incident: {
      id: ref,
      name: incident.title,
      status: STATUSPAGE_INCIDENT_STATUS[incident.status],
      impact: IMPACT_BY_SEVERITY[incident.severity],
      created_at: incident.startedAt,
      updated_at: incident.updatedAt,
      monitoring_at: monitoring?.createdAt ?? null,
      resolved_at: incident.resolvedAt,
      started_at: incident.startedAt,
      page_id: STATUSPAGE_PAGE_ID,
      shortlink: `${publicUrl}/incidents/${ref}`,
      components: incident.services.map((s) => affectedComponent(listed, s)),
      incident_updates: [...incident.updates].reverse().map((u) => ({
        id: statuspageUpdateId(ref, u.id),
        incident_id: ref,
        status: STATUSPAGE_INCIDENT_STATUS[u.status],
        body: u.message,
        created_at: u.createdAt,
        updated_at: u.editedAt ?? u.createdAt,
        display_at: u.createdAt,
      })),
      postmortem_body: incident.postmortemBody,
      postmortem_published_at: incident.postmortemPublishedAt,
      postmortem_notified_subscribers: incident.postmortemNotifiedAt !== null,
      ...(updateId === null ? {} : { update_id: statuspageUpdateId(ref, updateId) }),
    },
  };
}

/** The Slack message announcing a published postmortem: its title, the text as customers read it, and the link. Pure. */
function postmortemSlackMessage(incident: IncidentRecord, publicUrl: string) {
  const ref = makeRef('incident', incident.id);
  const text = markdownToText(incident.postmortemBody ?? '');
  return { text: `*Postmortem published: ${incident.title}* (${ref})\n${text}\n<${publicUrl}/incidents/${ref}#postmortem|Open ${ref}>`, mrkdwn: true };
}

/** Statuspage's component-update webhook body for a status set outside an incident; the component is the same object as in `components.json`. Pure. */
function componentUpdatePayload(event: ServiceEventDetail, publicUrl: string, state: PageState) {
  return {
    meta: { documentation: `${publicUrl}/api/openapi.json`, generated_at: event.at },
    page: webhookPage(publicUrl, state),
    component_update: { id: `service-event-${event.id}`, created_at: event.at, old_status: event.from, new_status: event.to, component_id: event.slug },
    // The status the event set (a later change has its own event), the rest as the page has it now.
    component: {
      ...affectedComponent(componentsById(state.components), { slug: event.slug, name: event.name, status: event.to }),
      status: event.to,
      created_at: event.createdAt,
    },
  };
}

/** "14:32 UTC" on the update's own day, "27 Nov 2026 14:32 UTC" on another: a promise for tomorrow says so. */
const timeOf = (iso: string, postedAt: string) => formatUtc(new Date(iso), new Date(postedAt));

/** Which of the plan's templates an update answers to: the first declares, a resolution resolves. */
function useOf(incident: IncidentRecord, updateId: number, status: IncidentStatus): TemplateUse {
  if (incident.updates[0]?.id === updateId) return 'create';
  return status === 'resolved' ? 'resolve' : 'update';
}

/**
 * The Slack message for an update: the plan's internal template for it (content/slack/,
 * verbatim with the `IC:` line: Slack #incidents is internal), the update as customers read
 * it, and the link. Slack `mrkdwn` with real newlines. Without templates, a one-line summary.
 * Pure.
 */
function slackMessage(incident: IncidentRecord, updateId: number, publicUrl: string, templates: readonly Template[] = []) {
  const ref = makeRef('incident', incident.id);
  const update = incident.updates.find((u) => u.id === updateId);
  const status = update?.status ?? incident.status;
  const publicText = update ? markdownToText(update.message) : '';
  const link = `<${publicUrl}/incidents/${ref}|Open ${ref}>`;
  const template = templates.find((t) => t.use === useOf(incident, updateId, status));
  if (!template)
    return { text: `*[${incident.severity} · ${INCIDENT_STATUS_LABEL[status]}] ${incident.title}* (${ref})\n${publicText}\n${link}`, mrkdwn: true };
  const resolvedAt = incident.resolvedAt ?? update?.createdAt ?? incident.updatedAt;
  const postedAt = update?.createdAt ?? incident.updatedAt;
  const due = postmortemDueAt(incident.severity, resolvedAt);
  const filled = fillMessageTemplate(template.body, {
    services: incident.services.map((s) => s.name).join(', ') || 'no service named',
    title: incident.title,
    severity: incident.severity,
    impact: incident.impact ?? 'not stated',
    commander: incident.commander ?? 'not assigned',
    status: INCIDENT_STATUS_LABEL[status],
    time: timeOf(postedAt, postedAt),
    next_update: update?.nextUpdateBy ? timeOf(update.nextUpdateBy, postedAt) : 'none promised',
    eta: update?.eta ? timeOf(update.eta, postedAt) : 'not yet known',
    message: publicText,
    duration: formatDuration(new Date(resolvedAt).getTime() - new Date(incident.startedAt).getTime()),
    root_cause: incident.rootCause ?? 'not stated',
    postmortem: incident.postmortemUrl ?? (due ? `due by ${due.slice(0, 10)} ${due.slice(11, 16)} UTC` : `none planned (${incident.severity})`),
  });
  // The update as customers read it follows unless the template already quotes it.
  const body = template.body.includes('{{message}}') ? filled : `${filled}\n\n${publicText}`;
  return { text: `${body}\n${link} · ${incident.title}`, mrkdwn: true };
}

export function createHookDelivery(options: {
  db: Executor;
  publicUrl: string;
  slackWebhookUrl: string | undefined;
  slackTemplates?: readonly Template[];
  allowLocal: boolean;
  now?: () => Date;
}): HookDelivery {
  const now = options.now ?? (() => new Date());
  const post = async (url: string, body: string, headers: Record<string, string>) => {
    try {
      const { status } = await guardedPost(url, body, headers, { allowLocal: options.allowLocal });
      const verdict = classifyHttpStatus(status);
      return { verdict, detail: `HTTP ${status}` } as const;
    } catch (error) {
      // A forbidden target stays forbidden: retrying would not change the answer.
      return { verdict: error instanceof ForbiddenTargetError ? 'hard' : 'retry', detail: (error as Error).message } as const;
    }
  };
  const sign = (secret: string, body: string, row: OutboxRow, event: string) => ({
    'x-herald-signature': signPayload(secret, body, Math.floor(now().getTime() / 1000)),
    'x-herald-delivery': String(row.id),
    'x-herald-event': event,
  });
  const hookOf = async (row: OutboxRow) => {
    const { rows } = await options.db.execute({ sql: 'SELECT url, secret FROM webhooks WHERE id = ? AND removed_at IS NULL', args: [row.webhookId] });
    return rows[0] ? { url: String(rows[0].url), secret: String(rows[0].secret) } : null;
  };
  return async (row, incident, maintenance) => {
    if (row.serviceEventId !== null) {
      const [hook, event] = await Promise.all([hookOf(row), getServiceEvent(options.db, row.serviceEventId)]);
      if (!hook) return { verdict: 'hard', detail: 'webhook removed' };
      if (!event) return { verdict: 'hard', detail: 'service event no longer exists' };
      const body = JSON.stringify(componentUpdatePayload(event, options.publicUrl, await loadPageState(options.db, now())));
      return post(hook.url, body, sign(hook.secret, body, row, 'component.update'));
    }
    if (row.maintenanceId !== null) {
      const entry = maintenance && row.maintenanceUpdateId !== null ? maintenanceEntry(maintenance, row.maintenanceUpdateId) : undefined;
      if (!maintenance || !entry || row.maintenanceUpdateId === null) return { verdict: 'hard', detail: 'maintenance update no longer exists' };
      if (row.kind === 'slack') {
        if (!options.slackWebhookUrl) return { verdict: 'hard', detail: 'SLACK_WEBHOOK_URL is not set any more' };
        return post(options.slackWebhookUrl, JSON.stringify(maintenanceSlackMessage(maintenance, row.maintenanceUpdateId, options.publicUrl)), {});
      }
      const hook = await hookOf(row);
      if (!hook) return { verdict: 'hard', detail: 'webhook removed' };
      const body = JSON.stringify(maintenanceWebhookPayload(maintenance, row.maintenanceUpdateId, options.publicUrl, await loadPageState(options.db, now())));
      return post(hook.url, body, sign(hook.secret, body, row, maintenanceHookEvent(entry.event)));
    }
    if (row.kind === 'postmortem-webhook' || row.kind === 'postmortem-slack') {
      if (!incident || incident.postmortemBody === null) return { verdict: 'hard', detail: 'postmortem no longer published' };
      if (row.kind === 'postmortem-slack') {
        if (!options.slackWebhookUrl) return { verdict: 'hard', detail: 'SLACK_WEBHOOK_URL is not set any more' };
        return post(options.slackWebhookUrl, JSON.stringify(postmortemSlackMessage(incident, options.publicUrl)), {});
      }
      const hook = await hookOf(row);
      if (!hook) return { verdict: 'hard', detail: 'webhook removed' };
      const body = JSON.stringify(webhookPayload(incident, null, options.publicUrl, await loadPageState(options.db, now())));
      return post(hook.url, body, sign(hook.secret, body, row, 'incident.postmortem'));
    }
    if (!incident || row.updateId === null) return { verdict: 'hard', detail: 'incident no longer exists' };
    if (row.kind === 'slack') {
      if (!options.slackWebhookUrl) return { verdict: 'hard', detail: 'SLACK_WEBHOOK_URL is not set any more' };
      return post(options.slackWebhookUrl, JSON.stringify(slackMessage(incident, row.updateId, options.publicUrl, options.slackTemplates)), {});
    }
    const hook = await hookOf(row);
    if (!hook) return { verdict: 'hard', detail: 'webhook removed' };
    const body = JSON.stringify(webhookPayload(incident, row.updateId, options.publicUrl, await loadPageState(options.db, now())));
    return post(hook.url, body, sign(hook.secret, body, row, 'incident.update'));
  };
}
