/**
 * What the comms lead can do to an incident, whoever asks (the admin API, the desk, a script).
 * Each command is one transaction: it loads the incident once, checks the rules, writes
 * through the store, records its audit entry and queues, through the notifier, every notice
 * it owes; after the commit it republishes and answers with the incident as it now is —
 * derived from what it loaded and wrote, not read again.
 */
import type { Transaction } from '@libsql/client';
import { actorLabel, type Actor } from '../../shared/actor.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { refuseLeaks } from '../../shared/leak-guard.ts';
import type { IncidentEvent } from '../../shared/notifier.ts';
import { makeRef } from '../../shared/refs.ts';
import type { CreateIncidentInput, Incident, PatchIncidentInput, PostUpdateInput, ReopenInput, ServiceChange, Update } from '../../shared/schemas.ts';
import type { IncidentStatus } from '../../shared/vocabulary.ts';
import type { CommandContext } from '../../platform/commands.ts';
import type { Executor } from '../../platform/db/client.ts';
import { republish } from '../../platform/republish.ts';
import { recordAudit } from '../audit/index.ts';
import { getServicesBySlug, setServiceStatus, type ServiceRow } from '../services/index.ts';
import { assertReopen, assertTransition } from './lifecycle.ts';
import { loadIncident, readIncident, shapeIncident } from './queries.ts';
import {
  afterWrite,
  changesShown,
  defaultNotify,
  detectionTime,
  nextUpdateBy,
  planServiceChanges,
  refuseDraft,
  refuseDroppingDownServices,
  servicesAfter,
  type PlannedChange,
} from './rules.ts';
import type { IncidentRecord } from './schemas.ts';
import {
  addIncidentServices,
  insertIncident,
  insertServiceChanges,
  insertUpdateRow,
  replaceIncidentServices,
  servicesHeldByOthers,
  setIncidentStatus,
  updateIncidentFields,
  updateUpdateMessage,
} from './store.ts';

/** Who writes, when, and the longest gap the rules allow between updates. */
export type WriteContext = { actor: Actor; now: Date; updateIntervalMinutes: number };

const writeContext = (ctx: CommandContext): WriteContext => ({
  actor: ctx.actor,
  now: ctx.clock.now(),
  updateIntervalMinutes: ctx.policy.updateIntervalMinutes,
});

/* ---------- steps inside a write's transaction (the drafts feature's release takes them too) ---------- */

/** The services `slugs` name, in page order; a ValidationError naming every unknown one. */
export async function resolveServices(tx: Executor, slugs: readonly string[]): Promise<Map<string, ServiceRow>> {
  const found = await getServicesBySlug(tx, slugs);
  const unknown = slugs.filter((s) => !found.has(s));
  if (unknown.length > 0) {
    throw new ValidationError(
      `[Incidents] Unknown service(s): ${unknown.join(', ')}. Name services by their slugs, as the service list shows them.`,
      unknown.map((slug) => ({ path: 'services', message: `no service "${slug}"` })),
    );
  }
  return found;
}

/** Names the services an update asks about as affected by the incident (those it names already stay). */
export async function addAffectedServices(
  tx: Executor,
  id: number,
  requested: readonly ServiceChange[],
  services: ReadonlyMap<string, { id: number }>,
): Promise<void> {
  await addIncidentServices(
    tx,
    id,
    requested.flatMap(({ slug }) => services.get(slug)?.id ?? []),
  );
}

type UpdateFields = {
  status: IncidentStatus;
  message: string;
  eta?: string | undefined;
  nextUpdateInMinutes?: number | undefined;
  notify: boolean;
};

/** Writes an update, the service changes it makes and the services' new statuses. @returns the update as its timeline shows it, less its changes' names. */
async function writeUpdate(
  tx: Executor,
  incidentId: number,
  fields: UpdateFields,
  changes: readonly PlannedChange[],
  ctx: WriteContext,
): Promise<Omit<Update, 'services'>> {
  const row = {
    status: fields.status,
    message: fields.message,
    eta: fields.eta ? new Date(fields.eta).toISOString() : null,
    nextUpdateBy: nextUpdateBy(fields.status, ctx.now, fields.nextUpdateInMinutes, ctx.updateIntervalMinutes),
    notify: fields.notify,
    createdAt: ctx.now.toISOString(),
  };
  const id = await insertUpdateRow(tx, incidentId, { ...row, author: actorLabel(ctx.actor) });
  await insertServiceChanges(tx, id, changes);
  for (const change of changes) await setServiceStatus(tx, change.serviceId, change.to, ctx.now);
  return { id, ...row, editedAt: null };
}

/** Posts an update on an incident's timeline with the service changes it makes. @returns its id. */
export async function insertUpdate(tx: Executor, incidentId: number, fields: UpdateFields, changes: PlannedChange[], ctx: WriteContext): Promise<number> {
  return (await writeUpdate(tx, incidentId, fields, changes, ctx)).id;
}

/* ---------- the commands ---------- */

type Changed = { event: IncidentEvent; record: IncidentRecord };

/** One change to an existing incident: loaded once, changed in one transaction with its notices, republished, answered. */
async function change(
  ctx: CommandContext,
  incidentId: number,
  work: (tx: Transaction, current: IncidentRecord, write: WriteContext) => Promise<Changed>,
): Promise<Incident> {
  const write = writeContext(ctx);
  const { record } = await ctx.db.write(async (tx) => {
    const done = await work(tx, await loadIncident(tx, incidentId), write);
    await ctx.notifier.incidentChanged(tx, done.event, write.now);
    return done;
  });
  await republish(ctx, { incidents: [incidentId] });
  return shapeIncident(record, ctx);
}

/** The incident's services and those an update names, in page order. */
const servicesFor = (tx: Executor, current: IncidentRecord, requested: readonly ServiceChange[]) =>
  resolveServices(tx, [...new Set([...current.services.map((s) => s.slug), ...requested.map((s) => s.slug)])]);

/** Declares an incident with its first update and the service statuses it sets. */
export async function declareIncident(ctx: CommandContext, input: CreateIncidentInput): Promise<Incident> {
  refuseLeaks({ title: input.title, message: input.message, impact: input.impact }, { commander: input.commander, acknowledged: input.acknowledgeWarnings });
  const write = writeContext(ctx);
  const incidentId = await ctx.db.write(async (tx) => {
    const at = write.now.toISOString();
    const services = await resolveServices(
      tx,
      input.services.map((s) => s.slug),
    );
    const detectedAt = detectionTime(input.detectedAt, write.now);
    const resolvedAt = input.status === 'resolved' ? at : null;
    const id = await insertIncident(tx, {
      title: input.title,
      severity: input.severity,
      status: input.status,
      impact: input.impact ?? null,
      commander: input.commander ?? null,
      at,
      resolvedAt,
      detectedAt,
    });
    await addIncidentServices(
      tx,
      id,
      [...services.values()].map((s) => s.id),
    );
    const changes = planServiceChanges(services, input.services, null);
    const update = await writeUpdate(tx, id, { ...input, notify: input.notify ?? defaultNotify(input.severity) }, changes, write);
    await recordAudit(tx, { actor: ctx.actor, action: 'incident.create', entity: 'incident', ref: makeRef('incident', id), after: input }, write.now);
    await ctx.notifier.incidentChanged(tx, { kind: 'created', incidentId: id, updateId: update.id }, write.now);
    return id;
  });
  await republish(ctx, { incidents: [incidentId] });
  return readIncident(ctx, incidentId);
}

/** Posts the next update: checks the lifecycle, applies service changes, and on resolution records the outcome. */
export const postIncidentUpdate = (ctx: CommandContext, incidentId: number, input: PostUpdateInput) =>
  change(ctx, incidentId, async (tx, current, write) => {
    refuseLeaks({ message: input.message, rootCause: input.rootCause }, { commander: current.commander, acknowledged: input.acknowledgeWarnings });
    refuseDraft(current);
    assertTransition(current.status, input.status);
    const at = write.now.toISOString();
    const resolving = input.status === 'resolved';
    const requested = input.services ?? [];
    const services = await servicesFor(tx, current, requested);
    await addAffectedServices(tx, incidentId, requested, services);
    const resolution = resolving ? { affected: current.services.map((s) => s.slug), heldByOtherIncidents: await servicesHeldByOthers(tx, incidentId) } : null;
    const changes = planServiceChanges(services, requested, resolution);
    const update = await writeUpdate(tx, incidentId, { ...input, notify: input.notify ?? defaultNotify(current.severity) }, changes, write);
    const outcome = { status: input.status, resolvedAt: resolving ? at : null, rootCause: input.rootCause ?? null, postmortemUrl: input.postmortemUrl ?? null };
    await setIncidentStatus(tx, incidentId, { ...outcome, at });
    await recordAudit(
      tx,
      {
        actor: write.actor,
        action: 'update.create',
        entity: 'incident',
        ref: makeRef('incident', incidentId),
        before: { status: current.status },
        after: input,
      },
      write.now,
    );
    return {
      event: { kind: resolving ? 'resolved' : 'updated', incidentId, updateId: update.id },
      record: afterWrite(
        current,
        {
          ...outcome,
          updatedAt: at,
          rootCause: outcome.rootCause ?? current.rootCause,
          postmortemUrl: outcome.postmortemUrl ?? current.postmortemUrl,
          services: servicesAfter(services.values(), changes),
        },
        { ...update, services: changesShown(services.values(), changes) },
      ),
    };
  });

/** Reopens a resolved incident: its own action, so a misdirected update cannot do it. */
export const reopen = (ctx: CommandContext, incidentId: number, input: ReopenInput) =>
  change(ctx, incidentId, async (tx, current, write) => {
    refuseLeaks({ message: input.message }, { commander: current.commander, acknowledged: input.acknowledgeWarnings });
    refuseDraft(current);
    assertReopen(current.status, input.status);
    const at = write.now.toISOString();
    const requested = input.services ?? [];
    const services = await servicesFor(tx, current, requested);
    await addAffectedServices(tx, incidentId, requested, services);
    const changes = planServiceChanges(services, requested, null);
    const update = await writeUpdate(tx, incidentId, { ...input, notify: input.notify ?? defaultNotify(current.severity) }, changes, write);
    await setIncidentStatus(tx, incidentId, { status: input.status, at, resolvedAt: null, rootCause: null, postmortemUrl: null });
    await recordAudit(
      tx,
      {
        actor: write.actor,
        action: 'incident.reopen',
        entity: 'incident',
        ref: makeRef('incident', incidentId),
        before: { status: current.status, resolvedAt: current.resolvedAt },
        after: input,
      },
      write.now,
    );
    return {
      event: { kind: 'reopened', incidentId, updateId: update.id },
      record: afterWrite(
        current,
        { status: input.status, updatedAt: at, resolvedAt: null, services: servicesAfter(services.values(), changes) },
        { ...update, services: changesShown(services.values(), changes) },
      ),
    };
  });

/** What a patch's fields were before it, for the audit log. */
function before(current: IncidentRecord, patch: PatchIncidentInput): Record<string, unknown> {
  const prior: Record<string, unknown> = {};
  for (const key of Object.keys(patch)) prior[key] = key === 'services' ? current.services.map((s) => s.slug) : current[key as keyof IncidentRecord];
  return prior;
}

/** Edits an incident's own fields (title, impact, severity, commander, services, outcome); the audit log keeps them before and after. */
export const editIncident = (ctx: CommandContext, incidentId: number, patch: PatchIncidentInput) =>
  change(ctx, incidentId, async (tx, current, write) => {
    const commander = patch.commander === undefined ? current.commander : patch.commander;
    refuseLeaks({ title: patch.title, impact: patch.impact, rootCause: patch.rootCause }, { commander, acknowledged: patch.acknowledgeWarnings });
    let services = current.services;
    if (patch.services) {
      const named = await resolveServices(tx, patch.services);
      const kept = new Set(named.keys());
      if (current.status !== 'resolved' && current.services.some((s) => !kept.has(s.slug))) {
        refuseDroppingDownServices(current, kept, await servicesHeldByOthers(tx, incidentId));
      }
      await replaceIncidentServices(
        tx,
        incidentId,
        [...named.values()].map((s) => s.id),
      );
      services = servicesAfter(named.values(), []);
    }
    const fields = {
      title: patch.title ?? current.title,
      impact: patch.impact === undefined ? current.impact : patch.impact,
      severity: patch.severity ?? current.severity,
      commander,
      rootCause: patch.rootCause === undefined ? current.rootCause : patch.rootCause,
      postmortemUrl: patch.postmortemUrl === undefined ? current.postmortemUrl : patch.postmortemUrl,
    };
    const at = write.now.toISOString();
    await updateIncidentFields(tx, incidentId, fields, at);
    await recordAudit(
      tx,
      { actor: write.actor, action: 'incident.edit', entity: 'incident', ref: makeRef('incident', incidentId), before: before(current, patch), after: patch },
      write.now,
    );
    return { event: { kind: 'edited', incidentId, updateId: null }, record: afterWrite(current, { ...fields, services, updatedAt: at }) };
  });

/** Corrects an update's message; the page marks it edited and the audit log keeps both versions. The same words again change nothing. */
export const editUpdate = (
  ctx: CommandContext,
  incidentId: number,
  updateId: number,
  message: string,
  options: { acknowledgeWarnings?: boolean | undefined } = {},
) =>
  change(ctx, incidentId, async (tx, current, write) => {
    refuseLeaks({ message }, { commander: current.commander, acknowledged: options.acknowledgeWarnings });
    const edited = current.updates.find((u) => u.id === updateId);
    if (!edited)
      throw new NotFoundError(`[Incidents] ${makeRef('incident', incidentId)} has no update ${updateId}; check its number on the incident's timeline.`);
    const event: IncidentEvent = { kind: 'edited', incidentId, updateId };
    if (edited.message === message) return { event, record: current };
    const at = write.now.toISOString();
    await updateUpdateMessage(tx, incidentId, updateId, message, at);
    await recordAudit(
      tx,
      {
        actor: write.actor,
        action: 'update.edit',
        entity: 'update',
        ref: `${makeRef('incident', incidentId)}/${updateId}`,
        before: { message: edited.message },
        after: { message },
      },
      write.now,
    );
    const updates = current.updates.map((u) => (u.id === updateId ? { ...u, message, editedAt: at } : u));
    return { event, record: { ...afterWrite(current, { updatedAt: at }), updates } };
  });
