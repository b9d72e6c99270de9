/**
 * The freshness rule's teeth: when the comms lead is reminded before a deadline, and when
 * (and how often) a missed deadline is escalated. Pure: the watchdog passes in what was
 * already sent for the current deadline and the time.
 */
import type { Notice, Sent } from './schemas.ts';

export type { Notice, Sent };

const MINUTE = 60_000;

/** The plan: remind when 5 minutes remain (or half the promised interval, if that is shorter). */
const REMINDER_LEAD_MS = 5 * MINUTE;

export type EscalationPolicy = {
  /** Minutes between escalations while the incident stays overdue (15 by default). */
  repeatMinutes: number;
  /** Escalations per missed deadline, the first one included. */
  maxEscalations: number;
};

const DEFAULT_ESCALATION: EscalationPolicy = { repeatMinutes: 15, maxEscalations: 4 };

/**
 * When the reminder for a deadline is due.
 * @example reminderAt(at('12:00'), at('12:30')) // 12:25
 * @example reminderAt(at('12:00'), at('12:06')) // 12:03 — half of a 6-minute promise
 */
export function reminderAt(lastUpdateAt: Date, dueAt: Date): Date {
  const interval = Math.max(0, dueAt.getTime() - lastUpdateAt.getTime());
  return new Date(dueAt.getTime() - Math.min(REMINDER_LEAD_MS, interval / 2));
}

/**
 * How many escalations a deadline has earned by `now`: one at the deadline, one more every
 * `repeatMinutes`, never more than the maximum.
 * @example escalationsOwed(at('12:30'), at('12:45'), DEFAULT_ESCALATION) // 2
 */
export function escalationsOwed(dueAt: Date, now: Date, policy: EscalationPolicy): number {
  const late = now.getTime() - dueAt.getTime();
  if (late < 0) return 0;
  return Math.min(policy.maxEscalations, Math.floor(late / (policy.repeatMinutes * MINUTE)) + 1);
}

/**
 * The one notice owed now for a deadline, or null. After downtime only the latest escalation
 * is sent (its sequence number says how many were earned), and a reminder whose moment
 * passed unseen is dropped once the deadline itself has passed: the escalation says more.
 *
 * @example noticeDue({ lastUpdateAt: at('12:00'), dueAt: at('12:30'), now: at('12:25'), sent: { reminder: false, escalations: 0 } }) // { kind: 'reminder', seq: 1 }
 */
export function noticeDue(input: { lastUpdateAt: Date; dueAt: Date; now: Date; sent: Sent; policy?: EscalationPolicy }): Notice | null {
  const { lastUpdateAt, dueAt, now, sent, policy = DEFAULT_ESCALATION } = input;
  const owed = escalationsOwed(dueAt, now, policy);
  if (owed > 0) return sent.escalations < owed ? { kind: 'escalation', seq: owed } : null;
  if (!sent.reminder && now.getTime() >= reminderAt(lastUpdateAt, dueAt).getTime()) return { kind: 'reminder', seq: 1 };
  return null;
}

/**
 * The countdown the desk shows: calm, amber in the last 5 minutes, red once overdue.
 * @example countdown(at('12:30'), at('12:27:30')) // { tone: 'amber', text: 'due in 3 min' }
 * @example countdown(at('12:30'), at('12:42')) // { tone: 'red', text: 'OVERDUE by 12 min' }
 */
export function countdown(dueAt: Date, now: Date): { tone: 'ok' | 'amber' | 'red'; text: string } {
  const ms = dueAt.getTime() - now.getTime();
  if (ms <= 0) return { tone: 'red', text: `OVERDUE by ${Math.floor(-ms / MINUTE)} min` };
  const minutes = Math.ceil(ms / MINUTE);
  const text = ms < MINUTE ? `due in ${Math.ceil(ms / 1000)} s` : `due in ${minutes} min`;
  return { tone: ms <= REMINDER_LEAD_MS ? 'amber' : 'ok', text };
}
