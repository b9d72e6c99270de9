/**
 * Herald's one vocabulary, used by the database, the API, the site, the feeds and
 * the emails alike. This module imports nothing from the server so the Astro pages and the
 * tests can share it.
 */
import { z } from 'zod';

export const SERVICE_STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'] as const;
export const ServiceStatus = z.enum(SERVICE_STATUSES);
export type ServiceStatus = z.infer<typeof ServiceStatus>;

export const INCIDENT_STATUSES = ['investigating', 'mitigating', 'monitoring', 'resolved'] as const;
export const IncidentStatus = z.enum(INCIDENT_STATUSES);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

export const SEVERITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** Statuspage's incident impact for each severity: P0 critical, P1 major, P2 minor, P3 none. */
export const IMPACT_BY_SEVERITY = {
  P0: 'critical',
  P1: 'major',
  P2: 'minor',
  P3: 'none',
} as const satisfies Record<Severity, string>;
export type StatuspageImpact = (typeof IMPACT_BY_SEVERITY)[Severity];

/** Statuspage clients know `identified` where the plan says `mitigating`. */
export const STATUSPAGE_INCIDENT_STATUS = {
  investigating: 'investigating',
  mitigating: 'identified',
  monitoring: 'monitoring',
  resolved: 'resolved',
} as const satisfies Record<IncidentStatus, string>;

/**
 * The desk's English words for the vocabulary (the desk is internal). What customers read comes
 * from the message catalogue (content/messages/, api/shared/messages.ts), in the site's language.
 */
export const SERVICE_STATUS_LABEL: Record<ServiceStatus, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};

export const INCIDENT_STATUS_LABEL: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  mitigating: 'Mitigating',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

/** What each severity means to a customer, in words rather than a code. */
export const SEVERITY_LABEL: Record<Severity, string> = {
  P0: 'Critical impact',
  P1: 'Major impact',
  P2: 'Minor impact',
  P3: 'Low impact',
};

/** The plan's update cadence: never more than 30 minutes between public updates. */
export const MAX_UPDATE_INTERVAL_MINUTES = 30;

/** A maintenance window's lifecycle: scheduled → in_progress → completed. */
const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'completed'] as const;
export const MaintenanceStatus = z.enum(MAINTENANCE_STATUSES);
export type MaintenanceStatus = z.infer<typeof MaintenanceStatus>;

/**
 * What an entry on a window's timeline did: the notices (mail, webhooks, Slack) and the feeds
 * say it in these words. `updated` is a message that changed nothing but the text.
 */
export const MAINTENANCE_EVENTS = ['scheduled', 'started', 'extended', 'ended', 'cancelled', 'updated', 'rescheduled', 'reminder'] as const;
export const MaintenanceEvent = z.enum(MAINTENANCE_EVENTS);
export type MaintenanceEvent = z.infer<typeof MaintenanceEvent>;

/** The event as customers read it, after the window's title ("Database upgrade — Maintenance extended"). */
export const MAINTENANCE_EVENT_LABEL: Record<MaintenanceEvent, string> = {
  scheduled: 'Maintenance scheduled',
  started: 'Maintenance started',
  extended: 'Maintenance extended',
  ended: 'Maintenance completed',
  cancelled: 'Maintenance cancelled',
  updated: 'Maintenance update',
  rescheduled: 'Maintenance rescheduled',
  reminder: 'Maintenance reminder',
};

export const MAINTENANCE_STATUS_LABEL: Record<MaintenanceStatus, string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  completed: 'Completed',
};
