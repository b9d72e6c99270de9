/**
 * Who must hear of a write. Commands call the notifier inside the write's transaction, so a
 * notice is queued if and only if the change commits; the request never talks to SMTP.
 * api/features/notices/outbox-notifier.ts implements it with the outbox; tests that want no notices use `noopNotifier`.
 */
import type { Transaction } from '@libsql/client';

/** What happened to an incident, for whoever must hear of it (subscribers, webhooks, Slack). */
export type IncidentEvent =
  | { kind: 'created' | 'updated' | 'resolved' | 'reopened'; incidentId: number; updateId: number }
  | { kind: 'edited'; incidentId: number; updateId: number | null }
  /** Its postmortem was published with `notify`: announced once, on every channel. */
  | { kind: 'postmortem'; incidentId: number; updateId: null };

export type MaintenanceEvent = { maintenanceId: number; updateId: number };

export type Notifier = {
  incidentChanged(tx: Transaction, event: IncidentEvent, now: Date): Promise<void>;
  /** A service's status set outside an incident (the id of its service event). */
  serviceChanged(tx: Transaction, serviceEventId: number, now: Date): Promise<void>;
  /** A maintenance window's update was posted (by a person or by the transitions job). */
  maintenanceChanged(tx: Transaction, event: MaintenanceEvent, now: Date): Promise<void>;
};

/** Queues nothing: for tests and tools where no one is subscribed. */
export const noopNotifier: Notifier = {
  async incidentChanged() {},
  async serviceChanged() {},
  async maintenanceChanged() {},
};
