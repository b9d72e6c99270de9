/**
 * The postmortem after an incident (docs/incident-response-plan.md, Phase 5): its internal
 * link and completion, which the plan measures (48 hours for a P0/P1), and the customer-facing
 * text Statuspage publishes on the incident page — saved as a draft, published, and optionally
 * announced to the incident's subscribers once. Shapes and pure rules; `now` is injected.
 */
import { z } from 'zod';
import { ConflictError, ValidationError } from '../../shared/errors.ts';
import { makeRef } from '../../shared/refs.ts';
import { HttpUrl, StorableText } from '../../shared/storable.ts';
import type { PostmortemFields, PostmortemRecord } from './schemas.ts';

/** A postmortem is longer than an update: room for a timeline, causes and what changes. */
export const POSTMORTEM_MAX_CHARS = 50_000;

export const RecordPostmortemInput = z
  .object({
    /** The internal postmortem document's link; shown on the public page as "Read the postmortem". */
    url: HttpUrl.optional(),
    /** Whether the plan's postmortem is complete (publishing the text completes it too). */
    completed: z.boolean().optional(),
    body: StorableText(POSTMORTEM_MAX_CHARS)
      .optional()
      .meta({ description: 'The customer-facing postmortem (markdown), saved as a draft unless `publish` is true' }),
    publish: z.boolean().optional().meta({ description: 'Publish the text given in `body`, or the saved draft, on the incident page, feeds and JSON' }),
    notify: z
      .boolean()
      .optional()
      .meta({ description: "Notify the incident's subscribers, webhooks and Slack of the published postmortem (once; only with `publish`)" }),
    acknowledgeWarnings: z
      .boolean()
      .optional()
      .meta({ description: 'Save or publish even if the text looks like it holds internal details (the 422 `leaks_internals` names each finding)' }),
  })
  .strict()
  .refine((i) => i.url !== undefined || i.completed !== undefined || i.body !== undefined || i.publish === true, 'give a url, completed, a body or publish')
  .refine((i) => !i.notify || i.publish === true, {
    path: ['notify'],
    message: 'subscribers are notified of a postmortem as it is published: send "publish": true with it',
  })
  .refine((i) => !(i.publish && i.completed === false), {
    path: ['completed'],
    message: 'publishing the postmortem completes it: leave "completed" out or true',
  })
  .meta({ id: 'RecordPostmortemInput' });
export type RecordPostmortemInput = z.infer<typeof RecordPostmortemInput>;

/** What a postmortem write does: the columns after it, and whether it publishes and notifies. */
export type PostmortemChange = { after: PostmortemFields; publishes: boolean; notifies: boolean };

/**
 * The postmortem after `input` at `now`. Only a released, resolved incident has one (409
 * otherwise); publishing needs a text (given now or saved before); subscribers hear of it once.
 * The first completion and the first publication times are kept.
 * @example nextPostmortem(7, { status: 'resolved', draft: false, commander: null, url: null, completedAt: null, text: null, body: null, publishedAt: null, notifiedAt: null }, { body: 'We are sorry.', publish: true }, new Date('2026-03-10T12:00:00Z')).after.publishedAt // '2026-03-10T12:00:00.000Z'
 */
export function nextPostmortem(incidentId: number, before: PostmortemRecord, input: RecordPostmortemInput, now: Date): PostmortemChange {
  const ref = makeRef('incident', incidentId);
  if (before.draft)
    throw new ConflictError(`[Postmortem] ${ref} was never released, so customers know nothing of it; a postmortem follows a published incident.`);
  if (before.status !== 'resolved') {
    throw new ConflictError(
      `[Postmortem] ${ref} is not resolved yet; the postmortem follows the resolution (give its link with the resolving update meanwhile).`,
    );
  }
  const at = now.toISOString();
  const after: PostmortemFields = { ...before };
  if (input.url !== undefined) after.url = input.url;
  if (input.completed !== undefined) after.completedAt = input.completed ? (before.completedAt ?? at) : null;
  if (input.body !== undefined) after.text = input.body;
  const publishes = input.publish === true;
  if (publishes) {
    const text = after.text ?? null;
    if (text === null) {
      throw new ValidationError(`[Postmortem] ${ref} has no postmortem text to publish. Send it in "body" with "publish": true, or save a draft first.`, [
        { path: 'body', message: 'give the text to publish' },
      ]);
    }
    after.body = text;
    after.text = null;
    after.publishedAt = before.publishedAt ?? at;
    after.completedAt = after.completedAt ?? at;
  }
  const notifies = input.notify === true;
  if (notifies) {
    if (before.notifiedAt !== null) {
      throw new ConflictError(
        `[Postmortem] ${ref}'s subscribers were notified of its postmortem at ${before.notifiedAt}; publish the revision without "notify" (they are told once).`,
      );
    }
    after.notifiedAt = at;
  }
  return { after, publishes, notifies };
}
