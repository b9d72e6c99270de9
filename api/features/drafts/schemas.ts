/** The shapes of the drafts feature: what an alert from intake means once read. */
import type { ServiceStatus, Severity } from '../../shared/vocabulary.ts';

/** What one intake post means for Herald, whichever system sent it. */
export type Alert = {
  source: 'alertmanager' | 'pagerduty';
  /** The sender's id of this very delivery (PagerDuty's event id), taken once; null when the sender gives none. */
  eventId: string | null;
  /** The group alerts attach to: one draft per group. */
  groupKey: string;
  status: 'firing' | 'resolved' | 'acknowledged';
  title: string;
  severity: Severity;
  /** Service slugs or names, as the alert gave them after the mapping; unknown ones are dropped. */
  serviceHints: string[];
  /** When the problem was first seen (the alert's start); null when the alert does not say. */
  detectedAt: string | null;
  /** When the sender says this happened (an acknowledgement's time); null: when received. */
  occurredAt: string | null;
  /** The internal note on the incident's alert timeline. */
  summary: string;
  link: string | null;
  /** What each alert of the post says of its services' status: a status proposal per alert (docs/proposals.md). */
  signals: AlertSignal[];
};

/**
 * One alert's word on its services' status: while `firing` it proposes `status`, once
 * `resolved` it proposes `operational`. `key` names the alert across notifications (the
 * Alertmanager fingerprint, the PagerDuty incident id), so the same alert firing again updates
 * its proposal rather than adding one.
 */
export type AlertSignal = {
  key: string;
  firing: boolean;
  serviceHints: string[];
  status: ServiceStatus;
  /** What the desk calls the signal: "Alertmanager alert ApiDown". */
  source: string;
  /** Why, in the alert's own words (its summary), or ''. */
  reason: string;
};
