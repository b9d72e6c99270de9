/**
 * Lead times ("24h, 1h"): how long before a maintenance window starts its reminders go out.
 * Written the same way in MAINTENANCE_REMINDERS and in the desk's form; the admin API takes
 * the minutes themselves. Pure, no server imports.
 */

/** At most this many reminders per window. */
export const MAX_REMINDERS = 5;
/** The longest lead time: 30 days. */
export const MAX_LEAD_MINUTES = 30 * 1440;

const UNIT_MINUTES = { m: 1, h: 60, d: 1440 } as const;
const LEAD = /^(\d{1,5})\s*(m|h|d)$/;

/**
 * Reads a list of lead times: numbers with a unit (m, h, d), separated by commas; empty or
 * "none" for no reminders. The minutes come back longest first, each once.
 * @example parseLeadTimes('24h, 1h') // { minutes: [1440, 60] }
 * @example parseLeadTimes('none') // { minutes: [] }
 * @example parseLeadTimes('1 week') // { error: '"1 week" is not a lead time: …' }
 */
export function parseLeadTimes(text: string): { minutes: number[] } | { error: string } {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '' || trimmed === 'none') return { minutes: [] };
  const minutes: number[] = [];
  for (const part of trimmed.split(',')) {
    const match = LEAD.exec(part.trim());
    if (!match) return { error: `"${part.trim()}" is not a lead time: write a number and a unit (m, h or d), e.g. "24h, 1h", or "none"` };
    minutes.push(Number(match[1]) * UNIT_MINUTES[match[2] as keyof typeof UNIT_MINUTES]);
  }
  return checkLeadMinutes(minutes);
}

/**
 * Lead times in minutes, checked and put in order (longest first, each once).
 * @example checkLeadMinutes([60, 1440, 60]) // { minutes: [1440, 60] }
 */
export function checkLeadMinutes(list: readonly number[]): { minutes: number[] } | { error: string } {
  const minutes = [...new Set(list)].sort((a, b) => b - a);
  if (minutes.some((m) => !Number.isInteger(m) || m < 1)) return { error: 'each lead time must be at least one minute' };
  if (minutes.some((m) => m > MAX_LEAD_MINUTES)) return { error: 'a lead time can be at most 30 days (30d)' };
  if (minutes.length > MAX_REMINDERS) return { error: `at most ${MAX_REMINDERS} reminders per window` };
  return { minutes };
}

/**
 * Lead times as people write them, for a form's field.
 * @example formatLeadTimes([1440, 90, 60]) // '1d, 90m, 1h'
 */
export function formatLeadTimes(minutes: readonly number[]): string {
  if (minutes.length === 0) return 'none';
  return minutes.map((m) => (m % 1440 === 0 ? `${m / 1440}d` : m % 60 === 0 ? `${m / 60}h` : `${m}m`)).join(', ');
}
