/**
 * What the comms lead can do to an incident, whoever asks (the admin API, the admin forms,
 * a script): each command writes in one transaction — the incident change and, through the
 * notifier, every notice it owes — then republishes, and returns the incident as it now is.
 */
import type { Transaction } from '@libsql/client';
import {
  createIncident,
  editUpdateMessage,
  loadIncident,
  patchIncident,
  postUpdate,
  reopenIncident,
  type WriteContext,
} from '../db/incidents.ts';
import { toIncident } from '../domain/incident.ts';
import {
  Incident,
  type CreateIncidentInput,
  type PatchIncidentInput,
  type PostUpdateInput,
  type ReopenInput,
} from '../domain/schemas.ts';
import type { AppDeps } from '../http/env.ts';
import { republish } from '../http/republish.ts';

/** What happened, for whoever must hear of it (subscribers, webhooks, Slack). */
export type IncidentEvent =
  | { kind: 'created' | 'updated' | 'resolved' | 'reopened'; incidentId: number; updateId: number }
  | { kind: 'edited'; incidentId: number; updateId: number | null };

/**
 * Called inside the write transaction of every incident change, so a notice is queued if
 * and only if the change commits.
 */
export type Notifier = {
  incidentChanged(tx: Transaction, event: IncidentEvent, ctx: WriteContext): Promise<void>;
  /** A service's status set outside an incident (the id of its service event). */
  serviceChanged?(tx: Transaction, serviceEventId: number, now: Date): Promise<void>;
  /** A maintenance window's update was posted (by a person or by the transitions job). */
  maintenanceChanged?(tx: Transaction, event: { maintenanceId: number; updateId: number }, now: Date): Promise<void>;
};

const context = (deps: AppDeps, actor: string): WriteContext => ({
  actor,
  now: deps.clock.now(),
  updateIntervalMinutes: deps.config.updateIntervalMinutes,
});

/** Loads an incident and shapes it exactly as the Incident schema says. */
export async function readIncident(deps: AppDeps, id: number): Promise<Incident> {
  const record = await loadIncident(deps.db, id);
  return Incident.parse(toIncident(record, deps.clock.now(), deps.config));
}

async function commit(deps: AppDeps, actor: string, work: (tx: Transaction, ctx: WriteContext) => Promise<IncidentEvent>) {
  const ctx = context(deps, actor);
  const event = await deps.db.write(async (tx) => {
    const happened = await work(tx, ctx);
    await deps.notifier?.incidentChanged(tx, happened, ctx);
    return happened;
  });
  await republish(deps, [event.incidentId]);
  return readIncident(deps, event.incidentId);
}

export const declareIncident = (deps: AppDeps, actor: string, input: CreateIncidentInput) =>
  commit(deps, actor, async (tx, ctx) => {
    const { incidentId, updateId } = await createIncident(tx, input, ctx);
    return { kind: 'created', incidentId, updateId };
  });

export const postIncidentUpdate = (deps: AppDeps, actor: string, incidentId: number, input: PostUpdateInput) =>
  commit(deps, actor, async (tx, ctx) => {
    const updateId = await postUpdate(tx, incidentId, input, ctx);
    return { kind: input.status === 'resolved' ? 'resolved' : 'updated', incidentId, updateId };
  });

export const reopen = (deps: AppDeps, actor: string, incidentId: number, input: ReopenInput) =>
  commit(deps, actor, async (tx, ctx) => ({ kind: 'reopened', incidentId, updateId: await reopenIncident(tx, incidentId, input, ctx) }));

export const editIncident = (deps: AppDeps, actor: string, incidentId: number, patch: PatchIncidentInput) =>
  commit(deps, actor, async (tx, ctx) => {
    await patchIncident(tx, incidentId, patch, ctx);
    return { kind: 'edited', incidentId, updateId: null };
  });

export const editUpdate = (deps: AppDeps, actor: string, incidentId: number, updateId: number, message: string) =>
  commit(deps, actor, async (tx, ctx) => {
    await editUpdateMessage(tx, incidentId, updateId, message, ctx);
    return { kind: 'edited', incidentId, updateId };
  });
