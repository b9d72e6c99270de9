import { describe, expect, it } from 'vitest';
import { discordEmbed, slackBlocks, teamsCard, type ChannelNotice } from '../../../api/features/webhooks/channel-formats.ts';

const notice = (overrides: Partial<ChannelNotice> = {}): ChannelNotice => ({
  kind: 'incident',
  siteTitle: 'Example Status',
  headline: '[Investigating] API errors (INC-1)',
  message: 'We are on it.',
  facts: [{ title: 'Affected services', value: 'API: Partial outage' }],
  link: { url: 'https://status.example.test/incidents/INC-1', label: 'Follow INC-1' },
  manage: { url: 'https://status.example.test/subscribe/manage/1.x', label: 'Manage or unsubscribe' },
  postedAt: '2026-03-10T12:00:00.000Z',
  level: 2,
  ...overrides,
});

describe('chat formats', () => {
  it('keeps a long update within each format’s limits, marking the cut', () => {
    const long = notice({
      headline: 'H'.repeat(400),
      message: 'M'.repeat(9000),
      facts: Array.from({ length: 30 }, (_, i) => ({ title: `F${i}`, value: 'V'.repeat(3000) })),
    });
    const slack = slackBlocks(long);
    expect(slack.blocks[0]).toMatchObject({ type: 'header' });
    expect((slack.blocks[0] as { text: { text: string } }).text.text).toHaveLength(150);
    expect((slack.blocks[0] as { text: { text: string } }).text.text.endsWith('…')).toBe(true);
    expect((slack.blocks[1] as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(3000);
    const fields = (slack.blocks[2] as { fields: { text: string }[] }).fields;
    expect(fields).toHaveLength(10);
    for (const f of fields) expect(f.text.length).toBeLessThanOrEqual(2000);
    expect(slack.text.length).toBeLessThanOrEqual(3000);

    const embed = discordEmbed(long).embeds[0] as { title: string; description: string; fields: { name: string; value: string }[] };
    expect(embed.title).toHaveLength(256);
    expect(embed.description).toHaveLength(4096);
    expect(embed.fields.length).toBeLessThanOrEqual(25);
    for (const f of embed.fields) expect(f.value.length).toBeLessThanOrEqual(1024);
    // The manage link survives the cut: it is its own last field.
    expect(embed.fields.at(-1)?.value).toContain('(https://status.example.test/subscribe/manage/1.x)');
  });

  it('takes what the comms lead wrote as text: no Slack mention, no Discord ping or markdown link', () => {
    const hostile = notice({ message: '<!channel> @everyone [click](https://evil.example) *bold*' });
    const slack = slackBlocks(hostile);
    expect((slack.blocks[1] as { text: { text: string } }).text.text).toBe('&lt;!channel&gt; @everyone [click](https://evil.example) *bold*');
    const discord = discordEmbed(hostile);
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(discord.embeds[0]?.description).toBe('<!channel\\> @everyone \\[click\\](https://evil.example) \\*bold\\*');
  });

  it('lays a Teams notice out as an Adaptive Card with the two links as actions', () => {
    const card = teamsCard(notice()).attachments[0]?.content;
    expect(card?.body.map((b) => b.type)).toEqual(['TextBlock', 'TextBlock', 'TextBlock', 'FactSet']);
    expect(card?.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Follow INC-1', url: 'https://status.example.test/incidents/INC-1' },
      { type: 'Action.OpenUrl', title: 'Manage or unsubscribe', url: 'https://status.example.test/subscribe/manage/1.x' },
    ]);
  });
});
