/**
 * The maintenance feature's own shapes: a window as its store reads it, before it is shaped
 * for readers. What the API accepts and answers is in api/shared/schemas.ts.
 */
import type { MaintenanceUpdate } from '../../shared/schemas.ts';
import type { MaintenanceStatus, ServiceStatus } from '../../shared/vocabulary.ts';

export type MaintenanceWindow = { scheduledFor: string; scheduledUntil: string };

/** A maintenance as stored, before it is shaped for readers. Updates oldest first. */
export type MaintenanceRecord = MaintenanceWindow & {
  id: number;
  title: string;
  status: MaintenanceStatus;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  services: { slug: string; name: string; status: ServiceStatus }[];
  updates: MaintenanceUpdate[];
  /** RFC 5545 SEQUENCE: how many times what a calendar shows of it has changed. */
  sequence: number;
  /** Its own reminders, in minutes before its start; null: the setting's when it was scheduled. */
  reminderMinutes: number[] | null;
  /** Its reminders: when each is due, and whether it went out (or was skipped). */
  reminders: { minutesBefore: number; dueAt: string; state: 'pending' | 'sent' | 'skipped' }[];
  /** The recurring series it is an occurrence of, and which one (0 the first); null for a one-off window. */
  series: { id: number; index: number } | null;
};

export type MaintenanceState = 'upcoming' | 'active' | 'completed' | 'all';
/** `serviceId`: only the windows affecting that service; `ran`: only windows that started (not called off before). */
export type MaintenanceFilter = {
  state?: MaintenanceState;
  ids?: number[];
  serviceId?: number;
  ran?: boolean;
  limit?: number;
  /** Only windows not completed, or planned to end at or after this instant (the calendar's). */
  endingSince?: string;
};

/** A reminder planned before a window's start. */
export type PlannedReminder = { minutesBefore: number; dueAt: string };
export type PendingReminder = PlannedReminder & { id: number };

export type Frequency = 'weekly' | 'monthly';

/** A recurring series' rule (recurrence.ts says what it means). */
export type SeriesRule = {
  frequency: Frequency;
  every: number;
  firstStart: string;
  durationMinutes: number;
  until: string | null;
  count: number | null;
};

/** Stored form of a window's own lead times ("1440,60"; '' for none); null keeps the setting's. */
export const storeLeadTimes = (minutes: readonly number[] | null | undefined): string | null => (minutes ? minutes.join(',') : null);

/** @example readLeadTimes('1440,60') // [1440, 60] */
export const readLeadTimes = (stored: unknown): number[] | null =>
  stored === null || stored === undefined ? null : String(stored) === '' ? [] : String(stored).split(',').map(Number);
