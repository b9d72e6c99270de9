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
};

export type MaintenanceState = 'upcoming' | 'active' | 'completed' | 'all';
/** `serviceId`: only the windows affecting that service; `ran`: only windows that started (not called off before). */
export type MaintenanceFilter = { state?: MaintenanceState; ids?: number[]; serviceId?: number; ran?: boolean; limit?: number };
