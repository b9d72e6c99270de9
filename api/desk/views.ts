/**
 * What each desk page is rendered from (`Astro.locals.admin`). Types only, no server
 * imports: the Astro pages and the routes share them.
 */
import type { Role } from '../shared/roles.ts';
import type { AuditRecord } from '../features/audit/index.ts';
import type { ActionItem } from '../features/plan/index.ts';
import type { PlanReport } from '../features/plan/index.ts';
import type { Incident, Maintenance } from '../shared/schemas.ts';
import type { SearchView } from '../site/search.ts';
import type { IncidentStatus, MaintenanceStatus, ServiceStatus, Severity } from '../shared/vocabulary.ts';

export type DeskUser = { email: string; name: string | null; role: Role };
export type FieldErrors = Record<string, string>;
export type ServiceOption = { slug: string; name: string; status: ServiceStatus; groupName: string | null };
export type TemplateChoice = { slug: string; name: string; note: string };

/**
 * An open status proposal as the desk shows it (api/features/proposals): the service, the
 * status it would get, and what proposed it, with one-click apply and dismiss.
 */
export type ProposalView = {
  id: number;
  service: { slug: string; name: string; status: ServiceStatus };
  status: ServiceStatus;
  firing: boolean;
  source: string;
  reason: string;
  link: string | null;
  createdAt: string;
  updatedAt: string;
};

export type Common = {
  user: DeskUser;
  csrf: string;
  now: string;
  /** A one-line confirmation after a redirect ("INC-7 updated."). */
  flash: string | null;
  can: { post: boolean; manage: boolean; link: boolean };
};

export type DashboardView = Common & {
  page: 'dashboard';
  /** Open status proposals from alerts, newest first. */
  proposals: ProposalView[];
  /** Drafts alerts opened, newest first: nobody outside sees them until released from here. */
  drafts: {
    ref: string;
    title: string;
    severity: Severity;
    detectedAt: string;
    acknowledgedAt: string | null;
    services: string[];
    /** The latest alerts, newest first. */
    alerts: { status: 'firing' | 'resolved' | 'acknowledged'; summary: string; receivedAt: string }[];
    /** Its services' slugs, listed first in its form. */
    serviceSlugs: string[];
    /** Its release form: the declaring form's fields. */
    values: NewIncidentValues;
    errors: FieldErrors;
    /** The chosen template's note, shown under the message. */
    templateNote: string;
  }[];
  /** Every service, for the release forms' service choices. */
  services: ServiceOption[];
  /** The templates a release may start from (the plan's Initial Alert and the operator's own). */
  templates: TemplateChoice[];
  /** Open drafts past those shown with a form, newest first (at most the intake's cap in all). */
  moreDrafts: { ref: string; title: string }[];
  /** How many drafts are open in all (more than listed when an older install kept more than the cap). */
  draftsOpen: number;
  open: {
    ref: string;
    title: string;
    severity: Severity;
    status: IncidentStatus;
    commander: string | null;
    lastUpdateAt: string;
    dueAt: string;
    countdown: { tone: 'ok' | 'amber' | 'red'; text: string };
    flaggedAt: string | null;
    /** Once flagged: who the watchdog's escalations went to (null before). */
    alerted: EscalationReach | null;
    /** The escalation level reached (content/escalation.json), null without a matrix. */
    escalation: { level: number; name: string } | null;
    /** Support tickets linked to it. */
    tickets: number;
  }[];
  recent: { ref: string; title: string; severity: Severity; resolvedAt: string | null }[];
  /** P0/P1 postmortems past their 48 hours and not completed, oldest first. */
  postmortemsOverdue: { ref: string; title: string; severity: Severity; dueAt: string }[];
  /** Maintenance in progress, then upcoming, soonest first. */
  maintenance: { ref: string; title: string; status: MaintenanceStatus; scheduledFor: string; scheduledUntil: string; services: string[] }[];
  /** Subscribers per channel (email, webhook, Slack, Teams, Discord) by state. */
  subscribers: { channel: string; confirmed: number; pending: number; paused: number; unsubscribed: number; suppressed: number }[];
};

/**
 * Who the escalations for a missed deadline reached, by delivery status, and whether the
 * commander named on the incident could be mailed at all (`address` null: not a Herald user
 * nor an email address).
 */
export type EscalationReach = {
  sent: string[];
  pending: string[];
  failed: string[];
  webhook: boolean;
  commander: { name: string; address: string | null } | null;
};

/**
 * What the dashboard says happened after an incident was flagged overdue: only what the
 * watchdog recorded, and why the commander was not told when they were not.
 * @example describeEscalation({ sent: ['casey@example.com'], pending: [], failed: [], webhook: false, commander: { name: 'Sam Lee', address: null } })
 * // 'escalation emailed to casey@example.com; commander “Sam Lee” not notified: not a Herald user or an email address'
 */
export function describeEscalation(r: EscalationReach): string {
  const parts: string[] = [];
  if (r.sent.length) parts.push(`escalation emailed to ${r.sent.join(', ')}`);
  if (r.pending.length) parts.push(`escalation being emailed to ${r.pending.join(', ')}`);
  if (r.failed.length) parts.push(`escalation could not be emailed to ${r.failed.join(', ')}`);
  if (r.webhook) parts.push('escalation webhook called');
  if (parts.length === 0) parts.push('no one could be notified: no comms lead or commander has an address');
  if (!r.commander) parts.push('no commander named');
  else if (!r.commander.address) parts.push(`commander “${r.commander.name}” not notified: not a Herald user or an email address`);
  return parts.join('; ');
}
/** The release form of a draft, as typed: its title, the first status and the first public message. */

/** The labels of the declaring form's fields, for the error summary at the top of the form. */
export const INCIDENT_FIELD_LABELS: Readonly<Record<string, string>> = {
  title: 'Title',
  severity: 'Severity',
  status: 'Status',
  message: 'Message',
  services: 'Services',
  impact: 'Impact',
  commander: 'Incident commander',
  nextUpdateInMinutes: 'Next update in',
  acknowledgeWarnings: 'Publish anyway',
};

export type NewIncidentValues = {
  title: string;
  severity: string;
  status: string;
  impact: string;
  commander: string;
  message: string;
  nextUpdateInMinutes: string;
  notify: 'auto' | 'yes' | 'no';
  /** "Publish anyway" ticked: internals the guard finds in the text are published. */
  acknowledgeWarnings: boolean;
  /** Chosen status per service slug; '' = not affected. */
  services: Record<string, string>;
};

export type NewIncidentView = Common & {
  page: 'new-incident';
  /** Open status proposals from alerts, newest first. */
  proposals: ProposalView[];
  values: NewIncidentValues;
  services: ServiceOption[];
  templates: TemplateChoice[];
  templateNote: string;
  errors: FieldErrors;
  previewHtml: string | null;
};

export type UpdateValues = {
  status: string;
  message: string;
  eta: string;
  nextUpdateInMinutes: string;
  rootCause: string;
  postmortemUrl: string;
  notify: 'auto' | 'yes' | 'no';
  acknowledgeWarnings: boolean;
  services: Record<string, string>;
};

export type TicketValues = { system: string; id: string; url: string };

/** The incident's own fields as the details form shows them. */
export type DetailsValues = { title: string; severity: string; impact: string; commander: string };

export type IncidentPageView = Common & {
  page: 'incident';
  /** Open status proposals for the services the incident names, newest first. */
  proposals: ProposalView[];
  /** 'update' posts the next update; 'resolve' the resolution. */
  mode: 'update' | 'resolve';
  incident: Incident;
  updatesHtml: Record<number, string>;
  values: UpdateValues;
  services: ServiceOption[];
  templates: TemplateChoice[];
  templateNote: string;
  errors: FieldErrors;
  previewHtml: string | null;
  countdown: { tone: 'ok' | 'amber' | 'red'; text: string } | null;
  /** For P0/P1: when the postmortem is due if the incident is resolved now. */
  postmortemDueIfResolvedNow: string | null;
  notices: { kind: string; seq: number; createdAt: string; recipients: number }[];
  /** The reopen form (shown once resolved) and the details form, each with its own errors. */
  reopen: { values: { status: string; message: string }; errors: FieldErrors };
  details: { values: DetailsValues; errors: FieldErrors };
  /** The postmortem and action items, with the follow-up forms' values and errors. */
  followUp: FollowUpView;
  /** Support tickets linked to the incident (internal), and the form that links one. */
  tickets: { list: { system: string; id: string; url: string; linkedBy: string; linkedAt: string }[]; values: TicketValues; errors: FieldErrors };
};

/** The follow-up forms as typed: the postmortem's link, completion and customer-facing text (`body`, `notify`), and a new action item. */
export type FollowUpValues = { url: string; completed: boolean; body: string; notify: boolean; title: string; owner: string; dueAt: string };
export type FollowUpView = {
  actionItems: ActionItem[];
  postmortemOverdue: boolean;
  values: FollowUpValues;
  errors: FieldErrors;
  /** The postmortem text as customers would read it, after "Preview"; null otherwise. */
  postmortemPreviewHtml: string | null;
};

export type EditUpdateView = Common & {
  page: 'edit-update';
  incident: { ref: string; title: string };
  update: { id: number; createdAt: string; editedAt: string | null; status: IncidentStatus };
  message: string;
  errors: FieldErrors;
  previewHtml: string | null;
};

export type AuditView = Common & { page: 'audit'; ref: string; entries: AuditRecord[] };

/** `errors` is keyed by service slug: each service has its own small form. */
export type ServicesView = Common & { page: 'services'; services: ServiceOption[]; errors: FieldErrors };

export type AccountView = Common & { page: 'account'; errors: FieldErrors };

export type TokensView = Common & {
  page: 'tokens';
  tokens: { id: number; name: string; role: Role; createdAt: string; revokedAt: string | null }[];
  /** Shown once, right after creation. */
  created: { name: string; token: string } | null;
  errors: FieldErrors;
  /** What was typed, kept on an error. */
  values: { name: string; role: string };
};

export type UsersView = Common & {
  page: 'users';
  users: { id: number; email: string; name: string | null; role: Role; createdAt: string; disabledAt: string | null }[];
  errors: FieldErrors;
  /** What was typed, kept on an error (never the password). */
  values: Record<string, string>;
};

export type SignInView = { page: 'sign-in'; email: string; next: string; error: string | null; flash: string | null };

/** The plan report for the days asked for (`report` null when the days were refused). */
export type ReportsView = Common & {
  page: 'reports';
  from: string;
  to: string;
  errors: FieldErrors;
  report: PlanReport | null;
  /** The uptime download's form: the services to choose from, how maintenance counts by default, and its refusal (400). */
  uptime: { services: { slug: string; name: string }[]; maintenanceAsDowntime: boolean; errors: FieldErrors };
};

/** What the scheduling form holds (times as typed, read as UTC). */
export type MaintenanceFormValues = {
  title: string;
  message: string;
  scheduledFor: string;
  scheduledUntil: string;
  /** Chosen service slugs. */
  services: string[];
  notify: boolean;
  acknowledgeWarnings: boolean;
  /** Lead times as typed ("24h, 1h", "none"); empty: MAINTENANCE_REMINDERS. */
  reminders: string;
  /** 'none', 'weekly' or 'monthly'; with `every`, and an end: `count` occurrences or `repeatUntil` (UTC). */
  repeat: string;
  every: string;
  count: string;
  repeatUntil: string;
};

export type NewMaintenanceView = Common & {
  page: 'new-maintenance';
  values: MaintenanceFormValues;
  services: ServiceOption[];
  errors: FieldErrors;
  /** MAINTENANCE_REMINDERS as people write it, for the reminders field's hint. */
  defaultReminders: string;
};

/** What the forms of a window's page hold (each uses its own fields). */
export type MaintenanceActionValues = {
  message: string;
  scheduledFor: string;
  scheduledUntil: string;
  reminders: string;
  notify: boolean;
  acknowledgeWarnings: boolean;
};
export type MaintenanceAction = 'extend' | 'end' | 'cancel' | 'reschedule' | 'reminders' | 'cancelSeries';

/** A window on the desk: its timeline, and the forms that move it (each with its own values and errors). */
export type MaintenancePageView = Common & {
  page: 'maintenance';
  maintenance: Maintenance;
  updatesHtml: Record<number, string>;
  forms: Record<MaintenanceAction, { values: MaintenanceActionValues; errors: FieldErrors }>;
};

export type AdminLocals =
  | DashboardView
  | NewIncidentView
  | IncidentPageView
  | EditUpdateView
  | AuditView
  | ServicesView
  | AccountView
  | TokensView
  | UsersView
  | SignInView
  | ErrorView
  | ReportsView
  | SearchPageView
  | NewMaintenanceView
  | MaintenancePageView;

/** The desk's search over every incident (api/desk/routes/search.ts). */
export type SearchPageView = Common & { page: 'search'; search: SearchView; services: ServiceOption[] };

/**
 * A desk error as a page (api/desk/errors.ts): what happened, and a way on — sign-in when the
 * session has ended, else back where the reader came from, else the dashboard.
 */
export type ErrorView = {
  page: 'error';
  status: number;
  title: string;
  message: string;
  back: { href: string; label: string };
  requestId: string;
  /** The signed-in frame (nav, sign-out), when there is a session. */
  frame: Common | null;
};

/**
 * The attributes that tie a control to its error (and hint): marked invalid and described by
 * the error shown beside it.
 * @example fieldAria('f-title', 'must not be empty', 'f-title-hint') // { 'aria-invalid': 'true', 'aria-describedby': 'f-title-hint f-title-error' }
 */
export function fieldAria(id: string, error: string | undefined, hint?: string): { 'aria-invalid'?: 'true'; 'aria-describedby'?: string } {
  const describedBy = [hint, error ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return { ...(error ? { 'aria-invalid': 'true' as const } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) };
}

/** Narrows `Astro.locals.admin` to the page's own view, failing loudly if a route passed another. */
export function viewFor<P extends AdminLocals['page']>(admin: AdminLocals | undefined, page: P): Extract<AdminLocals, { page: P }> {
  if (!admin || admin.page !== page) throw new Error(`[Desk] The ${page} page was rendered without its view (got ${admin?.page ?? 'none'}).`);
  return admin as Extract<AdminLocals, { page: P }>;
}
