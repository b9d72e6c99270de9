/**
 * What a subscriber's own chat target receives: one notice (an incident or maintenance update,
 * or the test sent on confirmation) in Slack's, Teams' or Discord's format. Pure. Every message
 * carries the link to the notice and the subscriber's manage/unsubscribe link; the words are
 * the customer-facing ones (no internal fields).
 */
import { slackEscape } from './maintenance-payload.ts';

/** A notice as every chat format tells it, in the subscriber's words (api/features/notices/channel-notice.ts builds it). */
export type ChannelNotice = {
  kind: 'incident' | 'maintenance' | 'postmortem' | 'test';
  siteTitle: string;
  /** "[Investigating] Elevated API error rates (INC-3)": the mail's subject line. */
  headline: string;
  /** The update as customers read it, plain text. */
  message: string;
  /** Labelled facts: Impact, Services, Next update, When. */
  facts: readonly { title: string; value: string }[];
  /** Where the notice is on the status page (the page itself for a test). */
  link: { url: string; label: string };
  manage: { url: string; label: string };
  /** When it was posted (ISO). */
  postedAt: string;
  /** How serious, for a colour: 0 none/maintenance/test … 3 critical. */
  level: 0 | 1 | 2 | 3;
};

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * A Slack incoming-webhook message: Block Kit (header, the message, the facts as fields, the
 * links as context) and `text`, the plain fallback Slack shows in notifications and where
 * blocks cannot be shown. Within Block Kit's limits: a header of 150 characters, a section of
 * 3000, at most 10 fields of 2000.
 */
export function slackBlocks(n: ChannelNotice) {
  const links = `<${n.link.url}|${slackEscape(n.link.label)}> · <${n.manage.url}|${slackEscape(n.manage.label)}>`;
  return {
    text: cut(`${n.headline}\n${n.message}\n${n.link.url}`, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: cut(n.headline, 150), emoji: true } },
      ...(n.message ? [{ type: 'section', text: { type: 'mrkdwn', text: cut(slackEscape(n.message), 3000) } }] : []),
      ...(n.facts.length
        ? [
            {
              type: 'section',
              fields: n.facts.slice(0, 10).map((f) => ({ type: 'mrkdwn', text: cut(`*${slackEscape(f.title)}*\n${slackEscape(f.value)}`, 2000) })),
            },
          ]
        : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: links }] },
    ],
    // Links to the status page are the point; a preview of it would only repeat the message.
    unfurl_links: false,
    unfurl_media: false,
  };
}

const TEAMS_COLOR = ['default', 'warning', 'attention', 'attention'] as const;

/**
 * A Microsoft Teams message for a Workflows (Power Automate) "post to a channel when a webhook
 * request is received" URL: the message envelope with one Adaptive Card 1.4 attachment — the
 * headline, the message, the facts as a FactSet, and the two links as actions.
 */
export function teamsCard(n: ChannelNotice) {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: n.siteTitle, size: 'Small', isSubtle: true, wrap: true },
            { type: 'TextBlock', text: n.headline, size: 'Large', weight: 'Bolder', color: TEAMS_COLOR[n.level], wrap: true },
            ...(n.message ? [{ type: 'TextBlock', text: n.message, wrap: true }] : []),
            ...(n.facts.length ? [{ type: 'FactSet', facts: n.facts.map((f) => ({ title: f.title, value: f.value })) }] : []),
          ],
          actions: [
            { type: 'Action.OpenUrl', title: n.link.label, url: n.link.url },
            { type: 'Action.OpenUrl', title: n.manage.label, url: n.manage.url },
          ],
        },
      },
    ],
  };
}

/** Discord's embed colours: blurple for information, then amber, orange, red. */
const DISCORD_COLOR = [0x5865f2, 0xf0b232, 0xe67e22, 0xda373c] as const;

/** Discord's markdown, taken as text: `*`, `_`, `~`, `` ` ``, `|`, `>`, `[`, `]` and `\` escaped. */
const discordEscape = (text: string) => text.replace(/([\\*_~`|>[\]])/g, '\\$1');

/**
 * A Discord webhook message: one embed (title linking to the notice, the message as its
 * description, the facts as fields, a field with the manage link) within Discord's limits
 * (title 256, description 4096, 25 fields of 1024), and no mentions: text the comms lead wrote
 * never pings `@everyone`.
 */
export function discordEmbed(n: ChannelNotice) {
  return {
    username: cut(n.siteTitle, 80),
    allowed_mentions: { parse: [] as string[] },
    embeds: [
      {
        title: cut(n.headline, 256),
        url: n.link.url,
        description: cut(discordEscape(n.message), 4096),
        color: DISCORD_COLOR[n.level],
        timestamp: n.postedAt,
        fields: [
          ...n.facts.slice(0, 24).map((f) => ({ name: cut(f.title, 256), value: cut(discordEscape(f.value), 1024) || '—', inline: f.value.length < 40 })),
          {
            name: n.manage.label,
            value: `[${discordEscape(n.link.label)}](${n.link.url}) · [${discordEscape(n.manage.label)}](${n.manage.url})`,
            inline: false,
          },
        ],
        footer: { text: cut(n.siteTitle, 2048) },
      },
    ],
  };
}
