/**
 * The shapes Herald accepts and returns, shared by the API (validation and OpenAPI), the site
 * and the tests. No server imports. `.meta({ id })` names a shape in the OpenAPI document's
 * components (api/features/health/openapi.ts), where routes refer to it.
 */
import { z } from 'zod';
import { refPattern } from './refs.ts';
import { IncidentStatus, MaintenanceEvent, MaintenanceStatus, ServiceStatus, Severity } from './vocabulary.ts';
import { HttpUrl, StorableText } from './storable.ts';
import { MAX_LEAD_MINUTES, MAX_REMINDERS } from './lead-times.ts';

export const Slug = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'use 1–64 lowercase letters, digits and inner hyphens, e.g. "api-gateway"');

/** A UTC calendar day, `YYYY-MM-DD`: what reports are asked for. */
export const CalendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day looks like 2026-11-27')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar day');

export const IncidentRef = z.string().regex(refPattern('incident'), 'an incident reference looks like INC-42');

// The one rule every stored text field follows. It lives in a module of its own, with no
// registered (.meta) schemas, so a feature's rules can use it without pulling all of these
// into the desk's browser scripts.
export { HttpUrl, STORABLE_ERROR, storable, StorableText, toStorable } from './storable.ts';

/** Free text of at most `max` characters, possibly empty. */
const PlainText = (max: number) => StorableText(max, { min: 0 });
const Text = (max: number) => StorableText(max);
const Markdown = Text(20_000);
const Minutes = z.number().int().min(1).max(30);
/** Publish even though api/shared/leaks.ts found internals in the text (the 422 named them). */
const AcknowledgeWarnings = z
  .boolean()
  .optional()
  .meta({ description: 'Publish even if the text looks like it holds internal details (the 422 `leaks_internals` names each finding)' });

export const ServiceChange = z.object({ slug: Slug, status: ServiceStatus }).strict();
export type ServiceChange = z.infer<typeof ServiceChange>;

const noDuplicateSlugs = (changes: ServiceChange[]) => new Set(changes.map((c) => c.slug)).size === changes.length;

export const CreateIncidentInput = z
  .object({
    title: Text(200),
    severity: Severity,
    status: IncidentStatus.default('investigating'),
    message: Markdown,
    services: z.array(ServiceChange).max(200).refine(noDuplicateSlugs, 'each service at most once').default([]),
    impact: Text(2000).optional(),
    commander: Text(200).optional(),
    nextUpdateInMinutes: Minutes.optional(),
    notify: z.boolean().optional(),
    /** When the alert started; the declaration time when left out (MTTA and MTTR count from it). */
    detectedAt: z.iso.datetime({ offset: true }).optional(),
    acknowledgeWarnings: AcknowledgeWarnings,
  })
  .strict()
  .meta({ id: 'CreateIncidentInput' });
export type CreateIncidentInput = z.infer<typeof CreateIncidentInput>;

export const PostUpdateInput = z
  .object({
    status: IncidentStatus,
    message: Markdown,
    services: z.array(ServiceChange).max(200).refine(noDuplicateSlugs, 'each service at most once').optional(),
    eta: z.iso.datetime({ offset: true }).optional(),
    nextUpdateInMinutes: Minutes.optional(),
    rootCause: Text(5000).optional(),
    postmortemUrl: HttpUrl.optional(),
    notify: z.boolean().optional(),
    acknowledgeWarnings: AcknowledgeWarnings,
  })
  .strict()
  .meta({ id: 'PostUpdateInput' });
export type PostUpdateInput = z.infer<typeof PostUpdateInput>;

/**
 * Publishing a draft (an incident an alert opened): the body of an update, so the first words
 * customers read are a person's, and optionally the title, severity, impact and commander,
 * which an alert's wording rarely suits.
 */
export const ReleaseDraftInput = PostUpdateInput.extend({
  title: Text(200).optional(),
  severity: Severity.optional(),
  impact: Text(2000).optional(),
  commander: Text(200).optional(),
})
  .strict()
  .meta({ id: 'ReleaseDraftInput' });
export type ReleaseDraftInput = z.infer<typeof ReleaseDraftInput>;

export const ReopenInput = z
  .object({
    status: z.enum(['investigating', 'mitigating', 'monitoring']).default('investigating'),
    message: Markdown,
    services: z.array(ServiceChange).max(200).refine(noDuplicateSlugs, 'each service at most once').optional(),
    nextUpdateInMinutes: Minutes.optional(),
    notify: z.boolean().optional(),
    acknowledgeWarnings: AcknowledgeWarnings,
  })
  .strict()
  .meta({ id: 'ReopenInput' });
export type ReopenInput = z.infer<typeof ReopenInput>;

export const PatchIncidentInput = z
  .object({
    title: Text(200),
    impact: Text(2000).nullable(),
    severity: Severity,
    commander: Text(200).nullable(),
    services: z.array(Slug).max(200),
    rootCause: Text(5000).nullable(),
    postmortemUrl: HttpUrl.nullable(),
    acknowledgeWarnings: z.boolean(),
  })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).some((key) => key !== 'acknowledgeWarnings'), 'name at least one field to change')
  .meta({ id: 'PatchIncidentInput' });
export type PatchIncidentInput = z.infer<typeof PatchIncidentInput>;

export const PatchUpdateInput = z.object({ message: Markdown, acknowledgeWarnings: AcknowledgeWarnings }).strict().meta({ id: 'PatchUpdateInput' });
export type PatchUpdateInput = z.infer<typeof PatchUpdateInput>;

export const IncidentListQuery = z.object({
  /** `draft`: incidents alerts opened that nobody has published yet (never public). */
  state: z.enum(['open', 'resolved', 'all', 'draft']).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const CreateServiceInput = z
  .object({
    slug: Slug,
    name: Text(100),
    description: PlainText(500).default(''),
    group: Slug.nullable().optional(),
    order: z.number().int().min(0).max(100_000).optional(),
    status: ServiceStatus.default('operational'),
  })
  .strict()
  .meta({ id: 'CreateServiceInput' });
export type CreateServiceInput = z.infer<typeof CreateServiceInput>;

// No defaults in a patch: a field left out is left as it is (a default would overwrite it).
export const PatchServiceInput = CreateServiceInput.omit({ slug: true, status: true, description: true })
  .extend({ status: ServiceStatus, description: PlainText(500) })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one field to change')
  .meta({ id: 'PatchServiceInput' });
export type PatchServiceInput = z.infer<typeof PatchServiceInput>;

/** A support ticket to link to an incident; internal, never published. */
export const LinkTicketInput = z
  .object({
    system: Text(50).meta({ example: 'Zendesk' }),
    id: Text(200).meta({ example: '48213' }),
    url: HttpUrl.meta({ example: 'https://example.zendesk.com/agent/tickets/48213' }),
  })
  .strict()
  .meta({ id: 'LinkTicketInput' });
export type LinkTicketInput = z.infer<typeof LinkTicketInput>;

/* ---------- what goes out ---------- */

const Iso = z.string();

export const Service = z
  .object({
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    group: z.string().nullable(),
    groupName: z.string().nullable(),
    order: z.number(),
    status: ServiceStatus,
    updatedAt: Iso,
  })
  .meta({ id: 'Service' });
export type Service = z.infer<typeof Service>;

const ServiceStatusChange = z.object({ slug: z.string(), name: z.string(), from: ServiceStatus, to: ServiceStatus });

export const Update = z
  .object({
    id: z.number(),
    status: IncidentStatus,
    message: z.string(),
    services: z.array(ServiceStatusChange),
    eta: Iso.nullable(),
    nextUpdateBy: Iso.nullable(),
    notify: z.boolean(),
    createdAt: Iso,
    editedAt: Iso.nullable(),
  })
  .meta({ id: 'Update' });
export type Update = z.infer<typeof Update>;

/** One alert received for an incident (internal, never published): what fired, resolved or was acknowledged. */
export const AlertNote = z
  .object({
    source: z.enum(['alertmanager', 'pagerduty']),
    status: z.enum(['firing', 'resolved', 'acknowledged']),
    summary: z.string(),
    link: z.string().nullable(),
    receivedAt: Iso,
  })
  .meta({ id: 'AlertNote' });
export type AlertNote = z.infer<typeof AlertNote>;

export const Incident = z
  .object({
    ref: z.string(),
    /** Opened by an alert and not yet published: no reader sees it until a person publishes it. */
    draft: z.boolean(),
    url: z.string(),
    title: z.string(),
    severity: Severity,
    status: IncidentStatus,
    impact: z.string().nullable(),
    commander: z.string().nullable(),
    services: z.array(z.object({ slug: z.string(), name: z.string(), status: ServiceStatus })),
    startedAt: Iso,
    updatedAt: Iso,
    resolvedAt: Iso.nullable(),
    durationMs: z.number(),
    rootCause: z.string().nullable(),
    postmortemUrl: z.string().nullable(),
    postmortemDueAt: Iso.nullable(),
    /** Internal, never published: when first seen, acknowledged, and the postmortem completed. */
    detectedAt: Iso,
    acknowledgedAt: Iso.nullable(),
    postmortemCompletedAt: Iso.nullable(),
    /** Internal, never published: the postmortem's unpublished working copy (markdown), null when none. */
    postmortemDraft: z.string().nullable(),
    /** The published postmortem (markdown), when it was first published, and whether subscribers were notified of it (Statuspage's postmortem_* fields). */
    postmortemBody: z.string().nullable(),
    postmortemPublishedAt: Iso.nullable(),
    postmortemNotifiedSubscribers: z.boolean(),
    lastUpdateAt: Iso,
    nextUpdateDueAt: Iso.nullable(),
    overdue: z.boolean(),
    updates: z.array(Update),
    /** Internal, never published: the alerts received for it, oldest first. */
    alerts: z.array(AlertNote),
  })
  .meta({ id: 'Incident' });
export type Incident = z.infer<typeof Incident>;

/* ---------- maintenance ---------- */

const Instant = z.iso.datetime({ offset: true });

/** A window's own reminders: minutes before its start (MAINTENANCE_REMINDERS when left out; [] for none). */
const ReminderMinutes = z
  .array(z.number().int().min(1).max(MAX_LEAD_MINUTES))
  .max(MAX_REMINDERS)
  .meta({ description: 'Reminders before the start, in minutes (e.g. [1440, 60]); [] for none; MAINTENANCE_REMINDERS when left out' });

/** How a window recurs: each occurrence is a window of its own (MNT-n), created ahead by the maintenance job. */
export const Recurrence = z
  .object({
    frequency: z.enum(['weekly', 'monthly']),
    every: z.number().int().min(1).max(12).default(1).meta({ description: 'Every how many weeks or months' }),
    until: Instant.optional().meta({ description: 'No occurrence starts after this instant' }),
    count: z.number().int().min(1).max(1000).optional().meta({ description: 'How many occurrences in all' }),
  })
  .strict()
  .refine((r) => r.until !== undefined || r.count !== undefined, { message: 'give an end: until (an instant) or count (how many occurrences)' })
  .meta({ id: 'Recurrence' });
export type Recurrence = z.infer<typeof Recurrence>;

export const CreateMaintenanceInput = z
  .object({
    title: Text(200),
    message: Markdown,
    services: z
      .array(Slug)
      .max(200)
      .refine((s) => new Set(s).size === s.length, 'each service at most once')
      .default([]),
    scheduledFor: Instant,
    scheduledUntil: Instant,
    notify: z.boolean().optional(),
    reminderMinutes: ReminderMinutes.optional(),
    /** Makes it the first occurrence of a recurring series. */
    recurrence: Recurrence.optional(),
    acknowledgeWarnings: AcknowledgeWarnings,
  })
  .strict()
  .refine((m) => Date.parse(m.scheduledUntil) > Date.parse(m.scheduledFor), { path: ['scheduledUntil'], message: 'must be after scheduledFor' })
  .meta({ id: 'CreateMaintenanceInput' });
export type CreateMaintenanceInput = z.infer<typeof CreateMaintenanceInput>;

export const PostMaintenanceUpdateInput = z
  .object({ status: MaintenanceStatus.optional(), message: Markdown, notify: z.boolean().optional(), acknowledgeWarnings: AcknowledgeWarnings })
  .strict()
  .meta({ id: 'PostMaintenanceUpdateInput' });
export type PostMaintenanceUpdateInput = z.infer<typeof PostMaintenanceUpdateInput>;

/**
 * Moves a window's end later. The new end must be after the current one and still ahead;
 * without a message the timeline says when the window now ends.
 */
export const ExtendMaintenanceInput = z
  .object({ scheduledUntil: Instant, message: Markdown.optional(), notify: z.boolean().optional(), acknowledgeWarnings: AcknowledgeWarnings })
  .strict()
  .meta({ id: 'ExtendMaintenanceInput' });
export type ExtendMaintenanceInput = z.infer<typeof ExtendMaintenanceInput>;

/** Moves a scheduled window: a new start and end, said on the timeline and to subscribers. */
export const RescheduleMaintenanceInput = z
  .object({
    scheduledFor: Instant,
    scheduledUntil: Instant,
    message: Markdown.optional(),
    notify: z.boolean().optional(),
    acknowledgeWarnings: AcknowledgeWarnings,
  })
  .strict()
  .refine((m) => Date.parse(m.scheduledUntil) > Date.parse(m.scheduledFor), { path: ['scheduledUntil'], message: 'must be after scheduledFor' })
  .meta({ id: 'RescheduleMaintenanceInput' });
export type RescheduleMaintenanceInput = z.infer<typeof RescheduleMaintenanceInput>;

/** A window's own reminders, changed while it is still scheduled. */
export const SetMaintenanceRemindersInput = z.object({ reminderMinutes: ReminderMinutes }).strict().meta({ id: 'SetMaintenanceRemindersInput' });
export type SetMaintenanceRemindersInput = z.infer<typeof SetMaintenanceRemindersInput>;

/** Changes a recurring series; its occurrences not yet started follow. */
export const UpdateMaintenanceSeriesInput = z
  .object({
    title: Text(200).optional(),
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(30 * 1440)
      .optional(),
    reminderMinutes: ReminderMinutes.optional(),
    until: Instant.nullable().optional(),
    count: z.number().int().min(1).max(1000).nullable().optional(),
  })
  .strict()
  .meta({ id: 'UpdateMaintenanceSeriesInput' });
export type UpdateMaintenanceSeriesInput = z.infer<typeof UpdateMaintenanceSeriesInput>;

export const CancelMaintenanceSeriesInput = z
  .object({ message: Markdown.optional(), notify: z.boolean().optional(), acknowledgeWarnings: AcknowledgeWarnings })
  .strict()
  .meta({ id: 'CancelMaintenanceSeriesInput' });
export type CancelMaintenanceSeriesInput = z.infer<typeof CancelMaintenanceSeriesInput>;

export const MaintenanceListQuery = z.object({
  state: z.enum(['upcoming', 'active', 'completed', 'all']).default('all'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const MaintenanceUpdate = z
  .object({ id: z.number(), status: MaintenanceStatus, event: MaintenanceEvent, message: z.string(), notify: z.boolean(), createdAt: Iso })
  .meta({ id: 'MaintenanceUpdate' });
export type MaintenanceUpdate = z.infer<typeof MaintenanceUpdate>;

export const Maintenance = z
  .object({
    ref: z.string(),
    url: z.string(),
    title: z.string(),
    status: MaintenanceStatus,
    services: z.array(z.object({ slug: z.string(), name: z.string(), status: ServiceStatus })),
    scheduledFor: Iso,
    scheduledUntil: Iso,
    createdAt: Iso,
    updatedAt: Iso,
    startedAt: Iso.nullable(),
    completedAt: Iso.nullable(),
    /** RFC 5545 SEQUENCE of its calendar event: up by one each time its times, title or cancellation change. */
    sequence: z.number().int(),
    /** Its own reminders in minutes; null: MAINTENANCE_REMINDERS as it was when it was scheduled. */
    reminderMinutes: z.array(z.number()).nullable(),
    reminders: z.array(z.object({ minutesBefore: z.number(), dueAt: Iso, state: z.enum(['pending', 'sent', 'skipped']) })),
    /** The recurring series it belongs to (`occurrence` 0 is the first); null for a one-off window. */
    series: z.object({ id: z.number(), occurrence: z.number() }).nullable(),
    /** Newest first. */
    updates: z.array(MaintenanceUpdate),
  })
  .meta({ id: 'Maintenance' });

export const MaintenanceSeries = z
  .object({
    id: z.number(),
    title: z.string(),
    message: z.string(),
    services: z.array(z.string()),
    frequency: z.enum(['weekly', 'monthly']),
    every: z.number(),
    firstStart: Iso,
    durationMinutes: z.number(),
    until: Iso.nullable(),
    count: z.number().nullable(),
    reminderMinutes: z.array(z.number()).nullable(),
    notify: z.boolean(),
    createdAt: Iso,
    updatedAt: Iso,
    cancelledAt: Iso.nullable(),
    /** Its occurrences created so far, soonest first. */
    occurrences: z.array(z.object({ ref: z.string(), occurrence: z.number(), scheduledFor: Iso, scheduledUntil: Iso, status: MaintenanceStatus })),
  })
  .meta({ id: 'MaintenanceSeries' });
export type MaintenanceSeries = z.infer<typeof MaintenanceSeries>;
export type Maintenance = z.infer<typeof Maintenance>;

/* ---------- tickets (internal) ---------- */

export const Ticket = z.object({ system: z.string(), id: z.string(), url: z.string(), linkedBy: z.string(), linkedAt: Iso }).meta({ id: 'Ticket' });
export type Ticket = z.infer<typeof Ticket>;
