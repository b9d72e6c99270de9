/**
 * What the notices feature delivers through the one queue (api/platform/delivery/queue.ts):
 * its kinds of outbox row, the lanes they go in and the handler of each. Every row of a batch
 * ends in its own result: whatever goes wrong with one row — its data, composing its mail,
 * its transport — becomes that row's failure or retry; it never takes its neighbours down.
 */
import { loadPageState, type ChannelDelivery, type HookDelivery, type PageState } from '../webhooks/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { IncidentRecord } from '../incidents/index.ts';
import type { MaintenanceRecord } from '../maintenance/index.ts';
import type { Executor } from '../../platform/db/client.ts';
import { loadIncidents } from '../incidents/index.ts';
import { loadMaintenances } from '../maintenance/index.ts';
import {
  channelKind,
  findSubscribers,
  pauseFailingSince,
  recordTargetOutcomes,
  SUBSCRIPTION_CHANNELS,
  suppressSubscriber,
  type SubscriberRecord,
  type TargetChannel,
} from '../subscribers/index.ts';
import { incidentNotice, maintenanceNotice, postmortemNotice, testNotice } from './channel-notice.ts';
import { composeMaintenanceMail, composeMail, composePostmortemMail, subscriberLinks, type ComposeSettings } from './compose.ts';
import { failedAttempt, retryLater, sendMail } from '../../platform/delivery/attempts.ts';
import type { DeliveryHandler, Lane } from '../../platform/delivery/lane.ts';
import type { Mailer } from '../../platform/delivery/mailer.ts';
import type { AttemptResult, OutboxRow } from '../../platform/delivery/outbox.ts';

export type NoticeDeps = {
  db: Executor;
  clock: Clock;
  mailer: Mailer;
  compose: ComposeSettings;
  deliverHook?: HookDelivery | undefined;
  /** Posts to subscribers' own webhook, Slack, Teams and Discord targets. */
  deliverChannel?: ChannelDelivery | undefined;
};

/** What a batch of rows refers to. */
type Context = {
  incidents: Map<number, IncidentRecord>;
  subscribers: Map<number, SubscriberRecord>;
  maintenances: Map<number, MaintenanceRecord>;
};

const idsOf = (rows: readonly OutboxRow[], pick: (r: OutboxRow) => number | null) => [...new Set(rows.map(pick).filter((id): id is number => id !== null))];

async function loadContext(db: Executor, rows: readonly OutboxRow[]): Promise<Context> {
  const incidentIds = idsOf(rows, (r) => r.incidentId);
  const maintenanceIds = idsOf(rows, (r) => r.maintenanceId);
  return {
    incidents: new Map((incidentIds.length ? await loadIncidents(db, { ids: incidentIds }) : []).map((i) => [i.id, i])),
    subscribers: await findSubscribers(
      db,
      idsOf(rows, (r) => r.subscriberId),
    ),
    maintenances: new Map((maintenanceIds.length ? await loadMaintenances(db, { ids: maintenanceIds }) : []).map((m) => [m.id, m])),
  };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A handler that attempts every row of a batch at once and resolves with one result per row;
 * it never rejects. The batch's data is loaded together; if that fails, each row loads its
 * own, so a row whose data cannot be read fails alone.
 */
function handlerOf(deps: NoticeDeps, attempt: (row: OutboxRow, ctx: Context) => Promise<AttemptResult>): DeliveryHandler['attempt'] {
  return async (rows) => {
    const shared = await loadContext(deps.db, rows).catch(() => null);
    return Promise.all(
      rows.map(async (row) => {
        try {
          return await attempt(row, shared ?? (await loadContext(deps.db, [row])));
        } catch (error) {
          return retryLater(row, `[Outbox] Could not deliver outbox row ${row.id}: ${messageOf(error)}`, deps.clock.now());
        }
      }),
    );
  };
}

/** Subscribers' mail: incident and maintenance notices, confirmations, "already subscribed". */
function mailHandler(deps: NoticeDeps): DeliveryHandler {
  return {
    attempt: handlerOf(deps, async (row, ctx) => {
      const subscriber = row.subscriberId === null ? undefined : ctx.subscribers.get(row.subscriberId);
      const incident = row.incidentId === null ? undefined : ctx.incidents.get(row.incidentId);
      const composed =
        row.kind === 'maintenance'
          ? composeMaintenanceMail(row, subscriber, row.maintenanceId === null ? undefined : ctx.maintenances.get(row.maintenanceId), deps.compose)
          : row.kind === 'postmortem'
            ? composePostmortemMail(subscriber, incident, deps.compose)
            : composeMail(row, subscriber, incident, deps.compose);
      if ('cancel' in composed) return { id: row.id, outcome: 'cancelled', detail: composed.cancel };
      return sendMail(deps.mailer, row, composed.mail, () => deps.clock.now());
    }),
    // The relay refused the address itself, for good: stop mailing it. Only that — a relay that
    // refuses Herald's credentials or sender is an outage of the relay, never a subscriber's fault.
    async recorded(tx, rows, results, now) {
      const subscriberOf = new Map(rows.map((r) => [r.id, r.subscriberId]));
      for (const result of results) {
        const subscriberId = subscriberOf.get(result.id);
        if (result.outcome === 'failed' && result.bounced && subscriberId) await suppressSubscriber(tx, subscriberId, result.detail, now, result.id);
      }
    },
  };
}

/** Webhooks and Slack: about an incident update, a maintenance update or a service's status. */
function hookHandler(deps: NoticeDeps): DeliveryHandler {
  return {
    attempt: handlerOf(deps, async (row, ctx) => {
      if (!deps.deliverHook) return { id: row.id, outcome: 'cancelled', detail: 'webhooks are not enabled in this process' };
      const incident = row.incidentId === null ? undefined : ctx.incidents.get(row.incidentId);
      const maintenance = row.maintenanceId === null ? undefined : ctx.maintenances.get(row.maintenanceId);
      const { verdict, detail } = await deps.deliverHook(row, incident, maintenance);
      return verdict === 'sent' ? { id: row.id, outcome: 'sent', detail } : failedAttempt(row, verdict, detail, deps.clock.now());
    }),
  };
}

/**
 * Subscribers' own chat and webhook targets: an incident or maintenance update, a published
 * postmortem, or the test message sent on confirmation, in the target's format. Once recorded, each target's run of
 * failures is kept: a day of them pauses it and mails its contact (subscribers/store.ts).
 */
function channelHandler(deps: NoticeDeps): DeliveryHandler {
  const cancel = (row: OutboxRow, detail: string): AttemptResult => ({ id: row.id, outcome: 'cancelled', detail });
  // The page as the webhook channel's payload tells it: read once for a batch, when its first post asks.
  const pageStates = new WeakMap<Context, Promise<PageState>>();
  const pageStateOf = (ctx: Context) => {
    let state = pageStates.get(ctx);
    if (!state) pageStates.set(ctx, (state = loadPageState(deps.db, deps.clock.now())));
    return state;
  };
  return {
    attempt: handlerOf(deps, async (row, ctx) => {
      if (!deps.deliverChannel) return cancel(row, 'subscriber channels are not enabled in this process');
      const subscriber = row.subscriberId === null ? undefined : ctx.subscribers.get(row.subscriberId);
      if (!subscriber) return cancel(row, 'subscriber removed');
      if (subscriber.state !== 'confirmed') return cancel(row, `subscriber is ${subscriber.state}`);
      if (subscriber.channel === 'email' || !subscriber.target) return cancel(row, 'subscriber has no target');
      const links = subscriberLinks(deps.compose, subscriber);
      const incident = row.incidentId === null ? undefined : ctx.incidents.get(row.incidentId);
      const maintenance = row.maintenanceId === null ? undefined : ctx.maintenances.get(row.maintenanceId);
      const settings = { publicUrl: deps.compose.publicUrl, siteTitle: deps.compose.siteTitle, messages: deps.compose.messages };
      // An incident's update; an incident without one, its postmortem; a window's update; neither, the test message.
      const notice =
        row.updateId !== null
          ? incident && incidentNotice(incident, row.updateId, links, settings)
          : row.incidentId !== null
            ? incident && postmortemNotice(incident, links, settings)
            : row.maintenanceUpdateId !== null
              ? maintenance && maintenanceNotice(maintenance, row.maintenanceUpdateId, links, settings)
              : testNotice(subscriber, links, settings, deps.clock.now());
      if (!notice) return cancel(row, 'update no longer exists');
      const target = { channel: subscriber.channel, url: subscriber.target, secret: subscriber.hookSecret, ...links };
      return deps.deliverChannel(row, target, notice, { incident, maintenance, pageState: () => pageStateOf(ctx) });
    }),
    async recorded(tx, rows, results, now) {
      const subscriberOf = new Map(rows.map((r) => [r.id, r.subscriberId]));
      const outcomes = results.flatMap((r) => {
        const subscriberId = subscriberOf.get(r.id);
        return r.outcome === 'cancelled' || !subscriberId ? [] : [{ subscriberId, delivered: r.outcome === 'sent' }];
      });
      await recordTargetOutcomes(tx, outcomes, now, pauseFailingSince(now));
    },
  };
}

/**
 * The notices' lanes. Each lane claims and delivers only its own kinds, in its own loop, so a
 * slow one never holds up another.
 */
export function noticeLanes(deps: NoticeDeps): Lane[] {
  const mail = mailHandler(deps);
  const hooks = hookHandler(deps);
  const channels = channelHandler(deps);
  const targets = SUBSCRIPTION_CHANNELS.filter((c): c is TargetChannel => c !== 'email');
  return [
    // Incident and maintenance notices to subscribers: the big fan-outs.
    { name: 'notices', kinds: { incident: mail, maintenance: mail, postmortem: mail } },
    // Confirmation and "already subscribed" mails: someone is waiting for them now, so they do
    // not queue behind a fan-out of 100,000 notices.
    { name: 'account', kinds: { confirm: mail, welcome: mail, paused: mail } },
    { name: 'webhooks', kinds: { webhook: hooks, 'postmortem-webhook': hooks } },
    { name: 'slack', kinds: { slack: hooks, 'postmortem-slack': hooks } },
    // Subscribers' own targets: a lane per format, so a slow or failing Teams endpoint never holds up Slack.
    ...targets.map((channel) => ({ name: channelKind(channel), kinds: { [channelKind(channel)]: channels } })),
  ];
}
