/**
 * The plan's escalation matrix (docs/incident-response-plan.md §3): who each level is and when
 * an incident reaches it. The shape of content/escalation.json and the pure rule that says
 * which levels an incident has reached at `now`.
 */
import { z } from 'zod';
import { Severity } from '../../shared/vocabulary.ts';

const Trigger = z
  .object({
    /** Only incidents of these severities; every severity when left out. */
    severities: z.array(Severity).min(1).optional(),
    /** Minutes unresolved since detection; 0 = as soon as it is declared. */
    afterMinutes: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60),
  })
  .strict();

const EscalationLevel = z
  .object({
    level: z.number().int().min(1).max(9),
    name: z.string().min(1).max(100),
    responseMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60),
    emails: z.array(z.email()).default([]),
    webhookUrl: z
      .url({ protocol: /^https?$/ })
      .nullable()
      .default(null),
    /** A PagerDuty Events API v2 integration (routing) key: 32 characters. */
    pagerdutyRoutingKey: z
      .string()
      .regex(/^[A-Za-z0-9]{32}$/, 'a PagerDuty routing key is 32 letters and digits')
      .nullable()
      .default(null),
    /** When an incident reaches this level; none: Herald never escalates to it (your alerting pages level 1). */
    triggers: z.array(Trigger).default([]),
  })
  .strict();

export const EscalationMatrix = z
  .object({ levels: z.array(EscalationLevel).min(1) })
  .strict()
  .refine((m) => m.levels.every((l, i) => l.level === i + 1), 'levels are numbered 1, 2, 3… in order');
export type EscalationMatrix = z.infer<typeof EscalationMatrix>;

/** An incident as the rule needs it. */
type Escalatable = { severity: Severity; detectedAt: string; resolvedAt: string | null };

/**
 * The levels whose triggers have fired by `now`, lowest first; none once resolved.
 * @example escalationLevelsDue({ severity: 'P1', detectedAt: '…T12:00Z', resolvedAt: null }, at('12:45'), PLAN) // [2]
 */
export function escalationLevelsDue(incident: Escalatable, now: Date, matrix: EscalationMatrix): number[] {
  if (incident.resolvedAt) return [];
  const unresolvedMs = now.getTime() - Date.parse(incident.detectedAt);
  return matrix.levels
    .filter((l) => l.triggers.some((t) => (!t.severities || t.severities.includes(incident.severity)) && unresolvedMs >= t.afterMinutes * 60_000))
    .map((l) => l.level);
}

/**
 * The highest level an incident has reached at `now` (1 — the on-call engineer — when no trigger has fired).
 * @example escalationLevelDue({ severity: 'P0', detectedAt: '…T12:00Z', resolvedAt: null }, at('14:00'), PLAN) // 4
 */
export function escalationLevelDue(incident: Escalatable, now: Date, matrix: EscalationMatrix): number {
  return Math.max(1, ...escalationLevelsDue(incident, now, matrix));
}
