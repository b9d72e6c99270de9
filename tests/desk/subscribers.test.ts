import { beforeAll, describe, expect, it } from 'vitest';
import { makeDesk, textOf, type Desk } from '../support/desk.ts';

let d: Desk;
let cookie: string;
beforeAll(async () => {
  d = await makeDesk();
  await d.addUser('comms@example.test', 'comms');
  cookie = (await d.signIn('comms@example.test')).cookie;
});

describe('subscribers on the desk dashboard', () => {
  it('counts subscribers per channel, by state', async () => {
    const at = d.clock.now().toISOString();
    const add = (channel: string, email: string, state: string, target: string | null) =>
      d.db.execute({
        sql: `INSERT INTO subscribers (channel, email, target, state, manage_nonce, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        args: [channel, email, target, state, `n-${email}-${channel}`, at, at],
      });
    await add('email', 'ann@example.com', 'confirmed', null);
    await add('email', 'bob@example.com', 'pending', null);
    await add('slack', 'ann@example.com', 'confirmed', 'https://hooks.slack.com/services/T/B/1');
    await add('teams', 'cat@example.com', 'paused', 'https://example.logic.azure.com/workflows/1');
    const text = textOf(await (await d.get('/admin', cookie)).text());
    expect(text).toContain('Channel Confirmed Pending Paused Unsubscribed Suppressed');
    expect(text).toContain('Email 1 1 0 0 0');
    expect(text).toContain('Slack 1 0 0 0 0');
    expect(text).toContain('Microsoft Teams 0 0 1 0 0');
    expect(text).toContain('Discord 0 0 0 0 0');
  });
});
