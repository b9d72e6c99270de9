/**
 * The services feature's own shapes: services, groups and status events as the store reads
 * them, and the history the uptime bars are computed from. What the API accepts and answers
 * (Service, CreateServiceInput, …) is in api/shared/schemas.ts.
 */
import type { Service } from '../../shared/schemas.ts';
import type { ServiceStatus } from '../../shared/vocabulary.ts';

/** A service as stored: what the API shows, and its id. */
export type ServiceRow = Service & { id: number };

export type ServiceGroup = { slug: string; name: string; order: number };

/** A status set outside any incident, kept as a public event. */
export type ServiceEvent = {
  slug: string;
  from: ServiceStatus;
  to: ServiceStatus;
  at: string /** Set automatically from a signal (a service with "autoStatus"), not by a person. */;
  automatic?: true;
};

export type ServiceEventDetail = ServiceEvent & { id: number; name: string; createdAt: string };

/** A status change of the service, from an incident update or set outside incidents. */
export type StatusChange = { at: string; from: ServiceStatus; to: ServiceStatus };

/** An incident that named the service: its public reference and when it was open. */
export type IncidentSpan = { ref: string; startedAt: string; resolvedAt: string | null };

/** What a service's uptime bars are computed from: its creation, its status changes and its incidents since the window's start. */
export type UptimeHistory = {
  createdAt: string;
  /** The first incident or status change recorded for the service, when earlier than its creation (history entered with past times); else null. */
  knownSince: string | null;
  changes: StatusChange[];
  incidents: IncidentSpan[];
};

/** What a Statuspage component tells of a service's dates: when it was created, and the day (YYYY-MM-DD) its history starts. */
export type ServiceOrigin = { createdAt: string; startDate: string };
