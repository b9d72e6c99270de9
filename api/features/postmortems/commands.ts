/**
 * Writing an incident's postmortem: one transaction checks the rules (rules.ts) and the leak
 * guard, writes the postmortem, records the audit entry and, when asked, queues its notices
 * through the notifier; after the commit the incident's pages, feeds and JSON are republished.
 */
import { refuseLeaks } from '../../shared/leak-guard.ts';
import { makeRef } from '../../shared/refs.ts';
import type { Incident } from '../../shared/schemas.ts';
import type { CommandContext } from '../../platform/commands.ts';
import { republish } from '../../platform/republish.ts';
import { recordAudit } from '../audit/index.ts';
import { noSuchIncident, readIncident } from '../incidents/index.ts';
import { nextPostmortem, type RecordPostmortemInput } from './rules.ts';
import { findPostmortem, writePostmortem } from './store.ts';

/**
 * Records the postmortem's link and completion, saves its customer-facing text as a draft, or
 * publishes it (completing the plan's postmortem) and, with `notify`, tells the incident's
 * subscribers, webhooks and Slack once. The text passes the same leak guard as an update's
 * message, on saving and again on publishing.
 */
export async function recordIncidentPostmortem(ctx: CommandContext, incidentId: number, input: RecordPostmortemInput): Promise<Incident> {
  const now = ctx.clock.now();
  await ctx.db.write(async (tx) => {
    const before = await findPostmortem(tx, incidentId);
    if (!before) throw noSuchIncident(incidentId);
    const change = nextPostmortem(incidentId, before, input, now);
    const text = change.publishes ? change.after.body : input.body;
    refuseLeaks({ body: text }, { commander: before.commander, acknowledged: input.acknowledgeWarnings });
    // The link and the published text are public: their change is a change customers see.
    const seen = change.publishes || change.after.url !== before.url;
    await writePostmortem(tx, incidentId, change.after, seen ? now.toISOString() : null);
    const { status: _status, draft: _draft, commander: _commander, ...prior } = before;
    await recordAudit(
      tx,
      { actor: ctx.actor, action: 'incident.postmortem', entity: 'incident', ref: makeRef('incident', incidentId), before: prior, after: input },
      now,
    );
    if (change.notifies) await ctx.notifier.incidentChanged(tx, { kind: 'postmortem', incidentId, updateId: null }, now);
  });
  await republish(ctx, { incidents: [incidentId] });
  return readIncident(ctx, incidentId);
}
