/**
 * The incidents feature's own shapes: an incident as its store reads it, before the rules
 * derive its cadence, duration and links. What the API accepts and answers is in
 * api/shared/schemas.ts, shared with the site and the tests.
 */
import type { AlertNote, Update } from '../../shared/schemas.ts';
import type { IncidentStatus, ServiceStatus, Severity } from '../../shared/vocabulary.ts';

/** An incident as stored, before the rules derive its cadence, duration and links. */
export type IncidentRecord = {
  id: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  impact: string | null;
  commander: string | null;
  startedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  rootCause: string | null;
  postmortemUrl: string | null;
  /** Internal (never published): when it was first seen, acknowledged, and its postmortem completed. */
  detectedAt: string;
  acknowledgedAt: string | null;
  postmortemCompletedAt: string | null;
  /**
   * The customer-facing postmortem (markdown as typed): the desk's unpublished working copy
   * (internal), the text customers read once published, when it was first published, and when
   * its subscribers were notified of it.
   */
  postmortemDraft: string | null;
  postmortemBody: string | null;
  postmortemPublishedAt: string | null;
  postmortemNotifiedAt: string | null;
  /** In page order (the services' position, then name). */
  services: { slug: string; name: string; status: ServiceStatus }[];
  /** Oldest first. */
  updates: Update[];
  /** Opened by an alert and not yet published: nothing public shows it. */
  draft: boolean;
  /** Internal: the alerts received for it, oldest first. */
  alerts: AlertNote[];
};

/**
 * `drafts`: whether incidents alerts opened and nobody published are left out (the default, so
 * nothing that publishes, notifies or watches the cadence can see one), included, or the only ones.
 */
export type IncidentFilter = {
  state?: 'open' | 'resolved' | 'all';
  ids?: number[];
  serviceSlug?: string;
  limit?: number;
  drafts?: 'exclude' | 'include' | 'only';
};
