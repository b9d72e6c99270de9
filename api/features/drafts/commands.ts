/**
 * Alerts in, drafts out: what a monitoring system's post does (open a draft, or note the alert
 * on the draft its group already has), and publication, the comms lead's word that makes a
 * draft public. Each is one audited transaction; nothing an alert writes is published.
 */
import { acknowledge } from '../plan/index.ts';
import type { Transaction } from '@libsql/client';
import { proposeStatus } from '../proposals/index.ts';
import {
  claimEvent,
  countOpenDrafts,
  findAlertGroup,
  insertAlertNote,
  insertDraft,
  linkServices,
  markDiscarded,
  markReleased,
  matchServices,
  openDraftNaming,
  pointAlertGroup,
} from './store.ts';
import { addAffectedServices, defaultNotify, insertUpdate, loadIncident, planServiceChanges, resolveServices, type WriteContext } from '../incidents/index.ts';
import { recordAudit } from '../audit/index.ts';
import { eventTooOld, INTAKE_LIMITS, type Alert } from './rules.ts';
import type { Severity } from '../../shared/vocabulary.ts';
import { ConflictError, StaleEventError, TooManyRequestsError } from '../../shared/errors.ts';
import { makeRef } from '../../shared/refs.ts';
import type { Incident, ReleaseDraftInput } from '../../shared/schemas.ts';
import { republish } from '../../platform/republish.ts';
import type { CommandContext } from '../../platform/commands.ts';
import { readIncident } from '../incidents/index.ts';
import { refuseLeaks } from '../../shared/leak-guard.ts';

/** What an intake post did: the incident it opened or noted the alert on, or nothing (a resolution of a group never seen, a delivery taken before). */
export type IntakeOutcome = { incident: string | null; opened: boolean; acknowledged: boolean; duplicate: boolean };

const isUniqueViolation = (error: unknown) => /UNIQUE constraint failed: alert_groups/i.test(String((error as Error | null)?.message ?? error));

/**
 * Receives one alert. A firing (or acknowledged) alert of a group never seen opens a draft; of
 * a group whose incident is still open, it is noted there (a draft, or an incident already
 * released — never a second draft); of a group whose incident was resolved, it opens a new
 * draft. A new group naming a service that an open draft already names is folded into that
 * draft; past INTAKE_LIMITS.maxOpenDrafts open drafts, a group that would open another is
 * refused (429), and nothing of it is kept. A resolution is noted on the group's incident, and
 * opens nothing. A PagerDuty acknowledgement also records when the incident was acknowledged
 * (the first time counts). An event the sender names by id is taken once, and only within the
 * replay window of when it occurred (422 outside it).
 */
export async function receiveAlert(ctx: CommandContext, alert: Alert): Promise<IntakeOutcome> {
  const now = ctx.clock.now();
  const write: WriteContext = { actor: ctx.actor, now, updateIntervalMinutes: ctx.policy.updateIntervalMinutes };
  const event = alert.eventId === null ? null : { source: alert.source, eventId: alert.eventId, occurredAt: alert.occurredAt };
  if (event) {
    const tooOld = eventTooOld(event.occurredAt, now);
    if (tooOld) {
      throw new StaleEventError(
        `[Intake] Refused ${alert.source} event ${event.eventId}: it ${tooOld}, outside the ${INTAKE_LIMITS.replayWindowMs / 60_000}-minute window in which a delivery is taken (a replayed or very late delivery). Nothing was recorded; declare the incident on the desk if it is real. If this server's clock is wrong, fix it.`,
        [{ path: 'event.occurred_at', message: `must be within ${INTAKE_LIMITS.replayWindowMs / 60_000} minutes of now` }],
      );
    }
  }
  const services = await matchServices(ctx.db, alert.serviceHints);
  const attempt = () =>
    ctx.db.write(async (tx): Promise<IntakeOutcome> => {
      const group = await findAlertGroup(tx, alert.source, alert.groupKey);
      if (event && !(await claimEvent(tx, { ...event, occurredAt: event.occurredAt as string }, now, new Date(now.getTime() - INTAKE_LIMITS.replayWindowMs)))) {
        return { incident: group ? makeRef('incident', group.incidentId) : null, opened: false, acknowledged: false, duplicate: true };
      }
      const live = group !== null && group.incidentStatus !== 'resolved';
      if (!live && alert.status === 'resolved') {
        if (group) await noteAlert(tx, group.incidentId, alert, write);
        return { incident: group ? makeRef('incident', group.incidentId) : null, opened: false, acknowledged: false, duplicate: false };
      }
      let incidentId = live ? group.incidentId : await openDraftNaming(tx, services);
      const opened = incidentId === null;
      if (incidentId === null) {
        const open = await countOpenDrafts(tx);
        if (open >= INTAKE_LIMITS.maxOpenDrafts) {
          throw new TooManyRequestsError(
            `[Intake] ${open} drafts from alerts are open, the most Herald keeps: this alert (${alert.source} group ${alert.groupKey.slice(0, 200)}) opens no new one and was not recorded. Release or discard drafts on the desk (/admin); alerts of groups and services that already have a draft are still taken.`,
          );
        }
        const detectedAt = alert.detectedAt && Date.parse(alert.detectedAt) <= now.getTime() ? alert.detectedAt : now.toISOString();
        incidentId = await createDraft(tx, { title: alert.title, severity: alert.severity, services, detectedAt }, write);
      }
      if (!live) await pointAlertGroup(tx, group, alert, incidentId, now);
      await noteAlert(tx, incidentId, alert, write);
      let acknowledged = false;
      if (alert.status === 'acknowledged') {
        const at = alert.occurredAt && Date.parse(alert.occurredAt) <= now.getTime() ? new Date(alert.occurredAt) : now;
        acknowledged = await acknowledge(tx, incidentId, ctx.actor, at);
      }
      return { incident: makeRef('incident', incidentId), opened, acknowledged, duplicate: false };
    });
  let outcome: IntakeOutcome;
  try {
    outcome = await attempt();
  } catch (error) {
    // Another process opened this group's draft between our read and our write: attach to it.
    if (!isUniqueViolation(error)) throw error;
    outcome = await attempt();
  }
  // Each alert also proposes a status for its services (applied at once for those with "autoStatus").
  if (!outcome.duplicate) await proposeFromAlert(ctx, alert);
  return outcome;
}

/** Each alert's status proposal, for the services its labels name (docs/proposals.md). */
async function proposeFromAlert(ctx: CommandContext, alert: Alert): Promise<void> {
  for (const signal of alert.signals) {
    const services = await matchServices(ctx.db, signal.serviceHints);
    if (services.length === 0) continue;
    await proposeStatus(ctx, {
      origin: alert.source,
      key: signal.key,
      services,
      status: signal.firing ? signal.status : 'operational',
      firing: signal.firing,
      source: signal.source,
      reason: signal.reason,
      link: alert.link,
    });
  }
}

/**
 * Releases a draft with a person's first message: readers see it from now on (the site is
 * republished), and subscribers, webhooks and Slack hear of it as of a declaration.
 */
export async function releaseDraftIncident(ctx: CommandContext, incidentId: number, input: ReleaseDraftInput): Promise<Incident> {
  if (!input.acknowledgeWarnings) {
    const current = await readIncident(ctx, incidentId);
    refuseLeaks(
      { title: input.title ?? current.title, message: input.message, impact: input.impact ?? current.impact ?? undefined, rootCause: input.rootCause },
      { commander: input.commander ?? current.commander },
    );
  }
  const now = ctx.clock.now();
  const write: WriteContext = { actor: ctx.actor, now, updateIntervalMinutes: ctx.policy.updateIntervalMinutes };
  await ctx.db.write(async (tx) => {
    const updateId = await releaseDraft(tx, incidentId, input, write);
    await ctx.notifier.incidentChanged(tx, { kind: 'created', incidentId, updateId }, now);
  });
  await republish(ctx, { incidents: [incidentId] });
  return readIncident(ctx, incidentId);
}

/** Discards a draft nobody will release; internal, so nothing is republished or notified. */
export async function discardDraftIncident(ctx: CommandContext, incidentId: number): Promise<Incident> {
  const write: WriteContext = { actor: ctx.actor, now: ctx.clock.now(), updateIntervalMinutes: ctx.policy.updateIntervalMinutes };
  await ctx.db.write((tx) => discardDraft(tx, incidentId, write));
  return readIncident(ctx, incidentId);
}

/** Opens a draft naming the alert's services, audited. */
async function createDraft(
  tx: Transaction,
  draft: { title: string; severity: Severity; services: readonly string[]; detectedAt: string },
  ctx: WriteContext,
): Promise<number> {
  const id = await insertDraft(tx, draft, ctx.now);
  const services = await resolveServices(tx, draft.services);
  await linkServices(
    tx,
    id,
    [...services.values()].map((s) => s.id),
  );
  await recordAudit(tx, { actor: ctx.actor, action: 'incident.draft', entity: 'incident', ref: makeRef('incident', id), after: draft }, ctx.now);
  return id;
}

/** Notes an alert on an incident's internal timeline, audited. */
async function noteAlert(tx: Transaction, incidentId: number, alert: Alert, ctx: WriteContext): Promise<void> {
  await insertAlertNote(tx, incidentId, alert, ctx.now);
  await recordAudit(
    tx,
    {
      actor: ctx.actor,
      action: 'incident.alert',
      entity: 'incident',
      ref: makeRef('incident', incidentId),
      after: { source: alert.source, group: alert.groupKey, status: alert.status, summary: alert.summary },
    },
    ctx.now,
  );
}

/**
 * Releases a draft: from now on readers see it, starting now, with the person's first message
 * (and any title, severity, impact or commander they gave). Services are named before the
 * flag is cleared, so the history counts the incident once, with the services it then names.
 */
async function releaseDraft(tx: Transaction, id: number, input: ReleaseDraftInput, ctx: WriteContext): Promise<number> {
  const current = await loadIncident(tx, id);
  if (!current.draft) throw new ConflictError(`[Incidents] ${makeRef('incident', id)} is already released; post an update instead.`);
  if (current.status === 'resolved') throw new ConflictError(`[Incidents] ${makeRef('incident', id)} is a discarded draft; declare a new incident instead.`);
  const requested = input.services ?? [];
  const services = await resolveServices(tx, [...new Set([...current.services.map((s) => s.slug), ...requested.map((s) => s.slug)])]);
  await addAffectedServices(tx, id, requested, services);
  const severity = input.severity ?? current.severity;
  await markReleased(
    tx,
    id,
    {
      status: input.status,
      title: input.title ?? current.title,
      severity,
      impact: input.impact ?? null,
      commander: input.commander ?? null,
      rootCause: input.rootCause ?? null,
      postmortemUrl: input.postmortemUrl ?? null,
    },
    ctx.now,
  );
  const updateId = await insertUpdate(
    tx,
    id,
    { ...input, notify: input.notify ?? defaultNotify(severity) },
    planServiceChanges(services, requested, null),
    ctx,
  );
  await recordAudit(
    tx,
    {
      actor: ctx.actor,
      action: 'incident.release',
      entity: 'incident',
      ref: makeRef('incident', id),
      before: { draft: true, title: current.title, severity: current.severity },
      after: input,
    },
    ctx.now,
  );
  return updateId;
}

/**
 * Discards a draft nobody will release (a false alarm, an alert that resolved itself): it
 * leaves the drafts list, is never released, and its group's next firing opens a new
 * draft. Kept, not deleted, with its alerts and audit trail.
 */
async function discardDraft(tx: Transaction, id: number, ctx: WriteContext): Promise<void> {
  const current = await loadIncident(tx, id);
  if (!current.draft) throw new ConflictError(`[Incidents] ${makeRef('incident', id)} is released; resolve it with an update instead.`);
  if (current.status === 'resolved') throw new ConflictError(`[Incidents] ${makeRef('incident', id)} is already discarded.`);
  await markDiscarded(tx, id, ctx.now);
  await recordAudit(
    tx,
    { actor: ctx.actor, action: 'incident.discard', entity: 'incident', ref: makeRef('incident', id), before: { draft: true, status: current.status } },
    ctx.now,
  );
}
