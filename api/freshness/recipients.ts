import { findUserByEmailOrName, usersWithRole } from '../auth/users.ts';
import type { Executor } from '../db/client.ts';
import type { Notice } from '../domain/freshness-alerts.ts';
import type { Target } from './store.ts';

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/**
 * Who hears of a notice: every comms user, the configured webhook, and — once the deadline
 * is missed — the incident's commander, named on the incident as an email address or as a
 * Herald user (by email or name).
 */
export async function recipientsFor(db: Executor, notice: Notice, commander: string | null, webhookUrl: string | null): Promise<Target[]> {
  const emails = new Set((await usersWithRole(db, 'comms')).map((u) => u.email.toLowerCase()));
  if (notice.kind === 'escalation' && commander?.trim()) {
    const who = commander.trim();
    if (EMAIL.test(who)) emails.add(who.toLowerCase());
    else {
      const user = await findUserByEmailOrName(db, who);
      if (user) emails.add(user.email.toLowerCase());
    }
  }
  const targets: Target[] = [...emails].sort().map((target) => ({ channel: 'email', target }));
  if (webhookUrl) targets.push({ channel: 'webhook', target: webhookUrl });
  return targets;
}
