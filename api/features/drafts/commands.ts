/**
 * Alerts in, drafts out: what a monitoring system's post does (open a draft, or note the alert
 * on the draft its group already has), and publication, the comms lead's word that makes a
 * draft public. Each is one audited transaction; nothing an alert writes is published.
 */
import { acknowledge } from '../plan/index.ts';
import { createDraft, discardDraft, findAlertGroup, matchServices, noteAlert, pointAlertGroup, publishDraft } from './store.ts';
import type { WriteContext } from '../incidents/index.ts';
import type { Alert } from './rules.ts';
import { makeRef } from '../../shared/refs.ts';
import type { Incident, PublishDraftInput } from '../../shared/schemas.ts';
import { republish } from '../../platform/republish.ts';
import type { CommandContext } from '../../platform/commands.ts';
import { readIncident } from '../incidents/index.ts';
import { refuseLeaks } from '../../shared/leak-guard.ts';

/** What an intake post did: the incident it opened or noted the alert on, or nothing (a resolution of a group never seen). */
export type IntakeOutcome = { incident: string | null; opened: boolean; acknowledged: boolean };

const isUniqueViolation = (error: unknown) => /UNIQUE constraint failed: alert_groups/i.test(String((error as Error | null)?.message ?? error));

/**
 * Receives one alert. A firing (or acknowledged) alert of a group never seen opens a draft; of
 * a group whose incident is still open, it is noted there (a draft, or an incident already
 * published — never a second draft); of a group whose incident was resolved, it opens a new
 * draft. A resolution is noted on the group's incident, and opens nothing. A PagerDuty
 * acknowledgement also records when the incident was acknowledged (the first time counts).
 */
export async function receiveAlert(ctx: CommandContext, alert: Alert): Promise<IntakeOutcome> {
  const now = ctx.clock.now();
  const write: WriteContext = { actor: ctx.actor, now, updateIntervalMinutes: ctx.policy.updateIntervalMinutes };
  const services = await matchServices(ctx.db, alert.serviceHints);
  const attempt = () =>
    ctx.db.write(async (tx): Promise<IntakeOutcome> => {
      const group = await findAlertGroup(tx, alert.source, alert.groupKey);
      const live = group !== null && group.incidentStatus !== 'resolved';
      if (!live && alert.status === 'resolved') {
        if (group) await noteAlert(tx, group.incidentId, alert, write);
        return { incident: group ? makeRef('incident', group.incidentId) : null, opened: false, acknowledged: false };
      }
      let incidentId = live ? group.incidentId : null;
      const opened = incidentId === null;
      if (incidentId === null) {
        const detectedAt = alert.detectedAt && Date.parse(alert.detectedAt) <= now.getTime() ? alert.detectedAt : now.toISOString();
        incidentId = await createDraft(tx, { title: alert.title, severity: alert.severity, services, detectedAt }, write);
        await pointAlertGroup(tx, group, alert, incidentId, now);
      }
      await noteAlert(tx, incidentId, alert, write);
      let acknowledged = false;
      if (alert.status === 'acknowledged') {
        const at = alert.occurredAt && Date.parse(alert.occurredAt) <= now.getTime() ? new Date(alert.occurredAt) : now;
        acknowledged = await acknowledge(tx, incidentId, ctx.actor, at);
      }
      return { incident: makeRef('incident', incidentId), opened, acknowledged };
    });
  try {
    return await attempt();
  } catch (error) {
    // Another process opened this group's draft between our read and our write: attach to it.
    if (isUniqueViolation(error)) return attempt();
    throw error;
  }
}

/**
 * Publishes a draft with a person's first message: readers see it from now on, and subscribers,
 * webhooks and Slack hear of it as of a declaration.
 */
export async function publishDraftIncident(ctx: CommandContext, incidentId: number, input: PublishDraftInput): Promise<Incident> {
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
    const updateId = await publishDraft(tx, incidentId, input, write);
    await ctx.notifier.incidentChanged(tx, { kind: 'created', incidentId, updateId }, now);
  });
  await republish(ctx, { incidents: [incidentId] });
  return readIncident(ctx, incidentId);
}

/** Discards a draft nobody will publish; internal, so nothing is republished or notified. */
export async function discardDraftIncident(ctx: CommandContext, incidentId: number): Promise<Incident> {
  const write: WriteContext = { actor: ctx.actor, now: ctx.clock.now(), updateIntervalMinutes: ctx.policy.updateIntervalMinutes };
  await ctx.db.write((tx) => discardDraft(tx, incidentId, write));
  return readIncident(ctx, incidentId);
}
