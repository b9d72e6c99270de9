import { readActionItems } from '../../features/plan/index.ts';
import { postmortemOverdue } from '../../features/plan/index.ts';
import { idFromRef } from '../../shared/refs.ts';
import type { Incident } from '../../shared/schemas.ts';
import type { AppDeps } from '../../deps.ts';
import { renderMarkdown } from '../../platform/markdown.ts';
import type { FieldErrors, FollowUpValues, FollowUpView } from '../views.ts';

/** The follow-up forms as stored: the postmortem's link, completion and its working copy (else the published text). */
export const storedFollowUp = (incident: Incident): FollowUpValues => ({
  url: incident.postmortemUrl ?? '',
  completed: incident.postmortemCompletedAt !== null,
  body: incident.postmortemDraft ?? incident.postmortemBody ?? '',
  notify: false,
  title: '',
  owner: '',
  dueAt: '',
});

/** What the follow-up section shows: the items, whether the postmortem is overdue, the forms as typed, and the postmortem's preview when asked. */
export async function followUpOf(
  deps: AppDeps,
  incident: Incident,
  typed?: { values: FollowUpValues; errors: FieldErrors; preview?: boolean },
): Promise<FollowUpView> {
  const id = idFromRef('incident', incident.ref);
  const values = typed?.values ?? storedFollowUp(incident);
  return {
    actionItems: await readActionItems(deps, id),
    postmortemOverdue: postmortemOverdue(incident, deps.clock.now()),
    values,
    errors: typed?.errors ?? {},
    postmortemPreviewHtml: typed?.preview && values.body.trim() ? renderMarkdown(values.body) : null,
  };
}
