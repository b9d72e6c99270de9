/**
 * Which outbox rows are delivered together. Each lane claims and delivers only its own kinds,
 * in its own loop, so a slow lane (a webhook receiver that answers one byte at a time, a
 * Slack outage) never holds up another: subscribers' notices and sign-up mails keep going.
 */
import type { OutboxKind } from './outbox.ts';

export type Lane = { name: string; kinds: readonly OutboxKind[] };

export const LANES = [
  // Incident and maintenance notices to subscribers: the big fan-outs.
  { name: 'notices', kinds: ['incident', 'maintenance'] },
  // Confirmation and "already subscribed" mails: someone is waiting for them now, so they do
  // not queue behind a fan-out of 100,000 notices.
  { name: 'account', kinds: ['confirm', 'welcome'] },
  { name: 'webhooks', kinds: ['webhook'] },
  { name: 'slack', kinds: ['slack'] },
] as const satisfies readonly Lane[];

// A new outbox kind without a lane would never be sent: this fails to compile until it has one.
type Unlaned = Exclude<OutboxKind, (typeof LANES)[number]['kinds'][number]>;
const EVERY_KIND_HAS_A_LANE: [Unlaned] extends [never] ? true : Unlaned = true;
