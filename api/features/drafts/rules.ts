/**
 * Alert intake: the payloads monitoring systems send (Prometheus Alertmanager's webhook,
 * version 4; PagerDuty's v3 webhooks), the operator's mapping from an alert's labels to
 * services and severities (content/intake.json), and the pure rule that reads an alert as
 * what a draft incident needs. No server imports.
 */
import { z } from 'zod';
import { Slug, toStorable } from '../../shared/schemas.ts';
import { ServiceStatus, Severity, SEVERITIES } from '../../shared/vocabulary.ts';

const Labels = z.record(z.string(), z.string());
/** Alertmanager writes RFC 3339 with nanoseconds ("2018-08-03T09:52:26.739266876+02:00"). */
const Rfc3339 = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 time');

/**
 * Alertmanager's webhook body (prometheus.io/docs/alerting/latest/configuration/#webhook_config):
 * one notification per alert group; `groupKey` identifies the group across notifications.
 */
export const AlertmanagerPayload = z
  .object({
    version: z.literal('4'),
    groupKey: z.string().min(1).max(2000),
    truncatedAlerts: z.number().int().min(0).optional(),
    status: z.enum(['firing', 'resolved']),
    receiver: z.string().max(500),
    groupLabels: Labels,
    commonLabels: Labels,
    commonAnnotations: Labels,
    externalURL: z.string().max(2000),
    alerts: z
      .array(
        z.object({
          status: z.enum(['firing', 'resolved']),
          labels: Labels,
          annotations: Labels,
          startsAt: Rfc3339,
          endsAt: z.string().max(64),
          generatorURL: z.string().max(2000),
          fingerprint: z.string().max(200).optional(),
        }),
      )
      .max(1000),
  })
  .meta({ id: 'AlertmanagerPayload' });
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayload>;

const Reference = z.object({ id: z.string().optional(), summary: z.string().optional() }).passthrough();

/**
 * A PagerDuty v3 webhook (developer.pagerduty.com, "Webhooks Overview"): one event per body.
 * Only incident events carry an incident in `data`; other event types are accepted and ignored.
 */
export const PagerDutyWebhook = z
  .object({
    event: z
      .object({
        id: z.string().max(200),
        event_type: z.string().max(200),
        resource_type: z.string().max(200).optional(),
        occurred_at: Rfc3339.optional(),
        data: z
          .object({
            id: z.string().max(200).optional(),
            type: z.string().max(200).optional(),
            title: z.string().max(2000).optional(),
            html_url: z.string().max(2000).optional(),
            status: z.string().max(100).optional(),
            urgency: z.string().max(100).optional(),
            created_at: Rfc3339.optional(),
            service: Reference.nullish(),
            priority: Reference.nullish(),
          })
          .passthrough(),
      })
      .passthrough(),
  })
  .meta({ id: 'PagerDutyWebhook' });
export type PagerDutyWebhook = z.infer<typeof PagerDutyWebhook>;

/** content/intake.json: how an alert's words become a draft's services and severity. */
export const IntakeMapping = z
  .object({
    $comment: z.string().optional(),
    /** Alertmanager label names whose value names a service, first that matches wins. */
    serviceLabels: z.array(z.string().min(1)).min(1).default(['service', 'job']),
    /**
     * Label value (or PagerDuty service name or id) → service slug; a value that is a slug needs no
     * entry. An entry may also say which status its alerts propose: `{ "service": "api", "status": "major_outage" }`.
     */
    services: z.record(z.string().min(1), z.union([Slug, z.object({ service: Slug, status: ServiceStatus }).strict()])).default({}),
    /** The status a firing alert proposes for its services when neither its label nor its mapping entry names one. */
    proposedStatus: ServiceStatus.default('degraded_performance'),
    /** The Alertmanager label whose value, a service status (e.g. `major_outage`), is the status that alert proposes. */
    statusLabel: z.string().min(1).default('status_page_status'),
    /** The Alertmanager label that carries the alert's severity. */
    severityLabel: z.string().min(1).default('severity'),
    /** Severity label value (any case) → the plan's severity; P0–P3 themselves need no entry. */
    severities: z.record(z.string().min(1), Severity).default({}),
    /** When nothing says how severe: the plan's "significant impact" level unless told otherwise. */
    defaultSeverity: Severity.default('P2'),
    /** PagerDuty urgency → severity, when the incident carries no P0–P3 priority. */
    pagerdutyUrgency: z.record(z.string().min(1), Severity).default({ high: 'P1', low: 'P3' }),
  })
  .strict();
export type IntakeMapping = z.infer<typeof IntakeMapping>;

/**
 * The intake's bounds. A storm of alerts must leave the desk usable: alerts of a service that
 * already has an open draft fold into it, and past `maxOpenDrafts` no alert opens another (its
 * sender is answered 429 and the refusal counted in herald_intake_refused_total). A signed
 * PagerDuty event is taken once (by its id) and only within `replayWindowMs` of when it
 * occurred, or `clockSkewMs` ahead of the clock: PagerDuty delivers within seconds and retries
 * a failed delivery for minutes, so anything older is a replay.
 */
export const INTAKE_LIMITS = { maxOpenDrafts: 50, replayWindowMs: 60 * 60_000, clockSkewMs: 5 * 60_000 } as const;

/**
 * Why a signed event that occurred at `occurredAt` must not be taken at `now`, or null when it
 * may be.
 *
 * @example eventTooOld('1971-01-01T00:00:00Z', new Date('2026-03-10T12:00:00Z')) // 'occurred at 1971-01-01T00:00:00.000Z, more than 60 minutes ago'
 * @example eventTooOld('2026-03-10T11:59:00Z', new Date('2026-03-10T12:00:00Z')) // null
 */
export function eventTooOld(
  occurredAt: string | null,
  now: Date,
  limits: Pick<typeof INTAKE_LIMITS, 'replayWindowMs' | 'clockSkewMs'> = INTAKE_LIMITS,
): string | null {
  if (occurredAt === null) return 'says nothing of when it occurred (occurred_at)';
  const at = Date.parse(occurredAt);
  const iso = new Date(at).toISOString();
  if (at < now.getTime() - limits.replayWindowMs) return `occurred at ${iso}, more than ${limits.replayWindowMs / 60_000} minutes ago`;
  if (at > now.getTime() + limits.clockSkewMs) return `occurred at ${iso}, more than ${limits.clockSkewMs / 60_000} minutes ahead of this server's clock`;
  return null;
}

import type { Alert, AlertSignal } from './schemas.ts';
export type { Alert, AlertSignal };

const STATUS_NAMES: ReadonlySet<string> = new Set(ServiceStatus.options);

/**
 * Each alert of an Alertmanager notification as a status signal: its services from its own
 * labels (else the group's), the status its `statusLabel`, its mapping entry or the mapping's
 * default proposes, firing or resolved by the alert's own status (a notification may carry both).
 *
 * @example alertmanagerSignals({ ...payload, alerts: [{ ...alert, labels: { alertname: 'ApiDown', service: 'api' } }] }, mapping)[0].status // 'degraded_performance'
 */
export function alertmanagerSignals(payload: AlertmanagerPayload, mapping: IntakeMapping): AlertSignal[] {
  return payload.alerts.flatMap((a) => {
    const labels = { ...payload.commonLabels, ...a.labels };
    const named = mapping.serviceLabels.map((name) => labels[name]).find((v): v is string => Boolean(v));
    if (!named) return [];
    const entry = entryOf(named, mapping);
    const labelled = labels[mapping.statusLabel]?.trim().toLowerCase();
    const status = labelled && STATUS_NAMES.has(labelled) ? (labelled as ServiceStatus) : (entry.status ?? mapping.proposedStatus);
    // Alertmanager sends a fingerprint (0.19+); without one, the sorted labels name the alert just as well.
    const key =
      a.fingerprint ||
      clip(
        Object.entries(a.labels)
          .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
        500,
      );
    const name = labels.alertname ?? 'alert';
    return [
      {
        key,
        firing: a.status === 'firing',
        serviceHints: [entry.slug],
        status,
        source: clip(`Alertmanager alert ${name}`, 200),
        reason: clip(a.annotations.summary ?? payload.commonAnnotations.summary ?? '', 500),
      },
    ];
  });
}

const SEVERITY_NAMES: ReadonlySet<string> = new Set(SEVERITIES);
/** At most `max` characters, storable (an alert's text may carry anything). */
const clip = (raw: string, max: number) => {
  const text = toStorable(raw);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

function severityOf(value: string | undefined, mapping: IntakeMapping): Severity | null {
  if (!value) return null;
  const upper = value.trim().toUpperCase();
  if (SEVERITY_NAMES.has(upper)) return upper as Severity;
  const lower = value.trim().toLowerCase();
  const entry = Object.entries(mapping.severities).find(([key]) => key.toLowerCase() === lower);
  return entry ? entry[1] : null;
}

const mostSevere = (severities: readonly Severity[]): Severity | null =>
  severities.length === 0 ? null : [...severities].sort((a, b) => SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b))[0]!;

/** A label value's mapping entry: the service it names, and the status its alerts propose (if the entry says). */
function entryOf(value: string, mapping: IntakeMapping): { slug: string; status: ServiceStatus | null } {
  const entry = mapping.services[value];
  if (entry === undefined) return { slug: value, status: null };
  return typeof entry === 'string' ? { slug: entry, status: null } : { slug: entry.service, status: entry.status };
}

const hint = (value: string, mapping: IntakeMapping): string => entryOf(value, mapping).slug;

/** A link the desk may show: http(s) only, never `javascript:` or `data:` from a sender's payload. */
const webLink = (url: string | undefined | null): string | null => (url && /^https?:\/\/[^\s]+$/i.test(url) ? url.slice(0, 2000) : null);

/** The earliest of some times, as ISO; null for none. */
function earliest(times: readonly string[]): string | null {
  const valid = times.map((t) => Date.parse(t)).filter((t) => !Number.isNaN(t));
  return valid.length ? new Date(Math.min(...valid)).toISOString() : null;
}

/**
 * Reads an Alertmanager notification: the group's services from each alert's service labels,
 * the most severe mapped severity, the earliest start.
 *
 * @example fromAlertmanager({ ...payload, commonLabels: { alertname: 'ApiDown', severity: 'critical', service: 'api' } }, mapping).serviceHints // ['api']
 */
export function fromAlertmanager(payload: AlertmanagerPayload, mapping: IntakeMapping): Alert {
  const alerts = payload.alerts;
  const label = (name: string) => payload.commonLabels[name] ?? payload.groupLabels[name] ?? alerts.find((a) => a.labels[name])?.labels[name];
  const hints = new Set<string>();
  for (const labels of [payload.commonLabels, ...alerts.map((a) => a.labels)]) {
    for (const name of mapping.serviceLabels) {
      const value = labels[name];
      if (value) {
        hints.add(hint(value, mapping));
        break;
      }
    }
  }
  const severities = [label(mapping.severityLabel), ...alerts.map((a) => a.labels[mapping.severityLabel])]
    .map((v) => severityOf(v, mapping))
    .filter((s): s is Severity => s !== null);
  const name = label('alertname');
  const summary = payload.commonAnnotations.summary ?? alerts.find((a) => a.annotations.summary)?.annotations.summary;
  const title = clip(summary ?? name ?? `Alert from ${payload.receiver || 'Alertmanager'}`, 200);
  const firing = alerts.filter((a) => a.status === 'firing').length;
  const counts = payload.status === 'firing' ? `${firing} of ${alerts.length} alert(s) firing` : `${alerts.length} alert(s) resolved`;
  return {
    source: 'alertmanager',
    eventId: null,
    groupKey: payload.groupKey,
    status: payload.status,
    title,
    severity: mostSevere(severities) ?? mapping.defaultSeverity,
    serviceHints: [...hints],
    detectedAt: earliest(alerts.map((a) => a.startsAt)),
    occurredAt: null,
    summary: clip(`${payload.status}: ${name ?? 'alert'} (${counts})${summary ? ` — ${summary}` : ''}`, 1000),
    link: webLink(alerts.find((a) => webLink(a.generatorURL))?.generatorURL) ?? webLink(payload.externalURL),
    signals: alertmanagerSignals(payload, mapping),
  };
}

const PAGERDUTY_STATUS: Record<string, Alert['status']> = {
  'incident.triggered': 'firing',
  'incident.acknowledged': 'acknowledged',
  'incident.resolved': 'resolved',
};

/**
 * Reads a PagerDuty webhook, or null for an event intake does not act on (anything but an
 * incident's trigger, acknowledgement or resolution, e.g. the `pagey.ping` sent on subscribing).
 */
export function fromPagerDuty(body: PagerDutyWebhook, mapping: IntakeMapping): Alert | null {
  const { event } = body;
  const status = PAGERDUTY_STATUS[event.event_type];
  const data = event.data;
  if (!status || !data.id) return null;
  const service = data.service;
  // The service's id only counts when mapped; its name (summary) may itself be a slug or a name.
  const entries = [
    service?.id && mapping.services[service.id] !== undefined ? entryOf(service.id, mapping) : null,
    service?.summary ? entryOf(service.summary, mapping) : null,
  ].filter((e): e is { slug: string; status: ServiceStatus | null } => Boolean(e));
  const serviceHints = entries.map((e) => e.slug);
  const severity =
    severityOf(data.priority?.summary, mapping) ?? (data.urgency ? mapping.pagerdutyUrgency[data.urgency] : undefined) ?? mapping.defaultSeverity;
  const title = clip(data.title?.trim() || `PagerDuty incident ${data.id}`, 200);
  return {
    source: 'pagerduty',
    eventId: event.id,
    groupKey: data.id,
    status,
    title,
    severity,
    serviceHints: [...new Set(serviceHints)],
    detectedAt: data.created_at ? new Date(data.created_at).toISOString() : null,
    occurredAt: event.occurred_at ? new Date(event.occurred_at).toISOString() : null,
    summary: clip(`${event.event_type}: ${title}${service?.summary ? ` (${service.summary})` : ''}`, 1000),
    link: webLink(data.html_url),
    // One signal per PagerDuty incident: triggered and acknowledged fire, resolved resolves.
    signals: serviceHints.length
      ? [
          {
            key: data.id,
            firing: status !== 'resolved',
            serviceHints: [...new Set(serviceHints)],
            status: entries.find((e) => e.status)?.status ?? mapping.proposedStatus,
            source: clip(`PagerDuty incident ${title}`, 200),
            reason: '',
          },
        ]
      : [],
  };
}

/** The answer to an intake post: the incident the alert opened or was noted on, if any. */
export const IntakeResult = z
  .object({
    incident: z.string().nullable().meta({ description: 'The draft (or incident) the alert was noted on; null when it named nothing Herald knows' }),
    opened: z.boolean().meta({ description: 'A new draft was opened' }),
    acknowledged: z.boolean().meta({ description: 'This post recorded the first acknowledgement' }),
    ignored: z.boolean().meta({ description: 'An event intake does not act on (e.g. a PagerDuty ping)' }),
    duplicate: z.boolean().meta({ description: 'A delivery of an event already taken (PagerDuty retries one it thinks failed): nothing was done again' }),
  })
  .meta({ id: 'IntakeResult' });
export type IntakeResult = z.infer<typeof IntakeResult>;
