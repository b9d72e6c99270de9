/**
 * The outbox implementation of the Notifier (api/shared/notifier.ts): who hears of a change,
 * queued as outbox rows inside the change's write transaction, so the notices are queued if
 * and only if the change commits; the request never talks to SMTP.
 */
import type { IncidentEvent, Notifier } from '../../shared/notifier.ts';
import {
  incidentUpdateNotifies,
  maintenanceUpdateNotifies,
  queueHooks,
  queueIncidentNotices,
  queueMaintenanceHooks,
  queueMaintenanceNotices,
  queuePostmortemNotices,
  queueServiceHooks,
} from './store.ts';

/**
 * Whether an event is announced. The update's `notify` already holds the plan's default
 * (P0/P1 notify unless told not to; P2/P3 only when the comms lead ticks it, see
 * api/features/incidents/store.ts); edits to earlier text are never announced again.
 *
 * @example shouldNotify({ kind: 'updated', incidentId: 1, updateId: 2 }, true) // true
 */
function shouldNotify(event: IncidentEvent, updateNotify: boolean): event is IncidentEvent & { updateId: number } {
  return event.kind !== 'edited' && event.updateId !== null && updateNotify;
}

/**
 * The notifier the composition root (api/assemble.ts) hands to every command: one outbox row per confirmed
 * subscriber of an affected service (or of all services) who chose that kind of event — by mail
 * or to their own webhook, Slack, Teams or Discord target — per active webhook, and for Slack.
 */
export function createOutboxNotifier(options: { slack: boolean }): Notifier {
  return {
    async incidentChanged(tx, event, now) {
      // A postmortem is announced only when published with `notify` (the command asks then only):
      // to subscribers, webhooks and #incidents alike.
      if (event.kind === 'postmortem') return void (await queuePostmortemNotices(tx, event.incidentId, now, { webhooks: true, slack: options.slack }));
      if (event.kind === 'edited' || event.updateId === null) return;
      if (shouldNotify(event, await incidentUpdateNotifies(tx, event.updateId))) await queueIncidentNotices(tx, event.incidentId, event.updateId, now);
      // Machines (webhooks) and the company's own #incidents channel (Slack) hear of every update.
      await queueHooks(tx, event.incidentId, event.updateId, now, { webhooks: true, slack: options.slack });
    },
    async serviceChanged(tx, serviceEventId, now) {
      await queueServiceHooks(tx, serviceEventId, now);
    },
    // Subscribers hear of a window when it is scheduled, started, extended, ended or cancelled
    // (and of any update the comms lead posts), unless the update says not to notify.
    async maintenanceChanged(tx, event, now) {
      if (await maintenanceUpdateNotifies(tx, event.updateId)) await queueMaintenanceNotices(tx, event.maintenanceId, event.updateId, now);
      // As for incidents, machines and #incidents hear of every entry, notified or not.
      await queueMaintenanceHooks(tx, event.maintenanceId, event.updateId, now, { webhooks: true, slack: options.slack });
    },
  };
}
