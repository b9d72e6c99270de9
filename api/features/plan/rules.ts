/**
 * The plan's follow-up after an incident (docs/incident-response-plan.md, Phase 5): the
 * postmortem, due 48 hours after a P0/P1 is resolved, and its action items, tracked to done
 * within 30 days. Shapes and pure rules; internal — none of it is published. Recording and
 * publishing the postmortem itself is the postmortems feature's.
 */
import { z } from 'zod';
import { postmortemDueAt } from '../incidents/index.ts';
import { StorableText as Text } from '../../shared/storable.ts';
import type { Severity } from '../../shared/vocabulary.ts';

export const CreateActionItemInput = z
  .object({
    title: Text(300),
    owner: Text(200),
    /** Defaults to 30 days after it is recorded (the plan's window). */
    dueAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .meta({ id: 'CreateActionItemInput' });
export type CreateActionItemInput = z.infer<typeof CreateActionItemInput>;

export const PatchActionItemInput = z.object({ done: z.boolean() }).strict().meta({ id: 'PatchActionItemInput' });
export type PatchActionItemInput = z.infer<typeof PatchActionItemInput>;

export const ActionItem = z
  .object({
    id: z.number(),
    incident: z.string(),
    title: z.string(),
    owner: z.string(),
    dueAt: z.string(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    overdue: z.boolean(),
  })
  .meta({ id: 'ActionItem' });
export type ActionItem = z.infer<typeof ActionItem>;

const ACTION_ITEM_DEFAULT_DAYS = 30;

/**
 * When a new action item is due: as asked, else 30 days on.
 * @example actionItemDueAt(undefined, new Date('2026-03-10T12:00:00Z')) // '2026-04-09T12:00:00.000Z'
 */
export function actionItemDueAt(asked: string | undefined, now: Date): string {
  return asked ? new Date(asked).toISOString() : new Date(now.getTime() + ACTION_ITEM_DEFAULT_DAYS * 86_400_000).toISOString();
}

/**
 * Whether a P0/P1 postmortem is overdue at `now`: resolved more than 48 hours ago and not
 * completed. Exactly at the deadline it is not yet late.
 * @example postmortemOverdue({ severity: 'P1', resolvedAt: '2026-03-10T12:00:00Z', postmortemCompletedAt: null }, new Date('2026-03-12T12:00:01Z')) // true
 */
export function postmortemOverdue(i: { severity: Severity; resolvedAt: string | null; postmortemCompletedAt: string | null }, now: Date): boolean {
  const due = postmortemDueAt(i.severity, i.resolvedAt);
  return due !== null && i.postmortemCompletedAt === null && now.getTime() > Date.parse(due);
}
