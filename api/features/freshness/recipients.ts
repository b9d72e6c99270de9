import { findUserByEmailOrName, usersWithRole } from '../access/index.ts';
import type { Executor } from '../../platform/db/client.ts';
import type { Notice, Target } from './schemas.ts';

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/**
 * Where the commander named on an incident is mailed: the address itself, or the email of the
 * Herald user by that email or name; null when neither (nobody to mail).
 */
export async function commanderAddress(db: Executor, commander: string | null): Promise<string | null> {
  const who = commander?.trim();
  if (!who) return null;
  if (EMAIL.test(who)) return who.toLowerCase();
  return (await findUserByEmailOrName(db, who))?.email.toLowerCase() ?? null;
}

/**
 * Who hears of a notice: every comms user, the configured webhook, and — once the deadline
 * is missed — the incident's commander, named on the incident as an email address or as a
 * Herald user (by email or name).
 */
export async function recipientsFor(db: Executor, notice: Notice, commander: string | null, webhookUrl: string | null): Promise<Target[]> {
  const emails = new Set((await usersWithRole(db, 'comms')).map((u) => u.email.toLowerCase()));
  if (notice.kind === 'escalation') {
    const address = await commanderAddress(db, commander);
    if (address) emails.add(address);
  }
  const targets: Target[] = [...emails].sort().map((target) => ({ channel: 'email', target }));
  if (webhookUrl) targets.push({ channel: 'webhook', target: webhookUrl });
  return targets;
}
