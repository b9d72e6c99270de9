/**
 * Posts a notice to a subscriber's own target in the format it chose: Herald's signed,
 * Statuspage-shaped JSON (`webhook`, the admin's webhooks' payload plus the subscriber's
 * manage and unsubscribe links in `meta`), Slack Block Kit, a Teams Adaptive Card or a Discord
 * embed. Through the one guarded poster (api/platform/delivery/attempts.ts → http-post.ts): the
 * target is checked against the SSRF rules again at every delivery.
 */
import type { IncidentRecord } from '../incidents/index.ts';
import type { MaintenanceRecord } from '../maintenance/index.ts';
import type { Executor } from '../../platform/db/client.ts';
import { postJson } from '../../platform/delivery/attempts.ts';
import type { AttemptResult, OutboxRow } from '../../platform/delivery/outbox.ts';
import { discordEmbed, slackBlocks, teamsCard, type ChannelNotice } from './channel-formats.ts';
import { signPayload, webhookPayload } from './deliver.ts';
import { maintenanceEntry, maintenanceHookEvent, maintenanceWebhookPayload, webhookPage } from './maintenance-payload.ts';
import { loadPageState, type PageState } from './page-state.ts';

/** A subscriber's target, as the notices feature hands it over. */
export type ChannelTarget = {
  channel: 'webhook' | 'slack' | 'teams' | 'discord';
  url: string;
  /** The webhook channel's signing secret. */
  secret: string | null;
  manageUrl: string;
  unsubscribeUrl: string;
};

/** What a notice is about: an incident's update or postmortem, a window's update, or neither (the test message). */
export type ChannelSubject = {
  incident?: IncidentRecord | undefined;
  maintenance?: MaintenanceRecord | undefined;
  /** The page's state, shared by the posts of one batch (a fan-out reads it once, not once a target); read here when absent. */
  pageState?: (() => Promise<PageState>) | undefined;
};

export type ChannelDelivery = (row: OutboxRow, target: ChannelTarget, notice: ChannelNotice, subject: ChannelSubject) => Promise<AttemptResult>;

export function createChannelDelivery(options: { db: Executor; publicUrl: string; allowLocal: boolean; now: () => Date }): ChannelDelivery {
  const { publicUrl, now } = options;

  /** Herald's JSON for the webhook channel, and the event it names in `x-herald-event`. */
  async function webhookBody(row: OutboxRow, target: ChannelTarget, notice: ChannelNotice, subject: ChannelSubject) {
    const state = await (subject.pageState?.() ?? loadPageState(options.db, now()));
    const links = { unsubscribe: target.unsubscribeUrl, manage: target.manageUrl };
    if (subject.incident && row.updateId !== null) {
      const payload = webhookPayload(subject.incident, row.updateId, publicUrl, state);
      return { event: 'incident.update', body: { ...payload, meta: { ...payload.meta, ...links } } };
    }
    if (subject.incident && notice.kind === 'postmortem') {
      const payload = webhookPayload(subject.incident, null, publicUrl, state);
      return { event: 'incident.postmortem', body: { ...payload, meta: { ...payload.meta, ...links } } };
    }
    if (subject.maintenance && row.maintenanceUpdateId !== null) {
      const payload = maintenanceWebhookPayload(subject.maintenance, row.maintenanceUpdateId, publicUrl, state);
      const event = maintenanceEntry(subject.maintenance, row.maintenanceUpdateId)?.event ?? 'updated';
      return { event: maintenanceHookEvent(event), body: { ...payload, meta: { ...payload.meta, ...links } } };
    }
    return {
      event: 'subscription.test',
      body: {
        meta: { documentation: `${publicUrl}/api/openapi.json`, generated_at: now().toISOString(), ...links },
        page: webhookPage(publicUrl, state),
        subscription: { channel: 'webhook', message: notice.message },
      },
    };
  }

  return async (row, target, notice, subject) => {
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      postJson(row, target.url, typeof body === 'string' ? body : JSON.stringify(body), headers, { allowLocal: options.allowLocal }, now);
    switch (target.channel) {
      case 'slack':
        return post(slackBlocks(notice));
      case 'teams':
        return post(teamsCard(notice));
      case 'discord':
        return post(discordEmbed(notice));
      case 'webhook': {
        const { event, body } = await webhookBody(row, target, notice, subject);
        const text = JSON.stringify(body);
        return post(text, {
          'x-herald-signature': signPayload(target.secret ?? '', text, Math.floor(now().getTime() / 1000)),
          'x-herald-delivery': String(row.id),
          'x-herald-event': event,
        });
      }
    }
  };
}
