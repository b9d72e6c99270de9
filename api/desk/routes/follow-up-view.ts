import { readActionItems } from '../../features/plan/index.ts';
import { postmortemOverdue } from '../../features/plan/index.ts';
import { idFromRef } from '../../shared/refs.ts';
import type { Incident } from '../../shared/schemas.ts';
import type { AppDeps } from '../../deps.ts';
import type { FieldErrors, FollowUpValues, FollowUpView } from '../views.ts';

/** What the follow-up section shows: the items, whether the postmortem is overdue, the forms as typed. */
export async function followUpOf(deps: AppDeps, incident: Incident, typed?: { values: FollowUpValues; errors: FieldErrors }): Promise<FollowUpView> {
  const id = idFromRef('incident', incident.ref);
  return {
    actionItems: await readActionItems(deps, id),
    postmortemOverdue: postmortemOverdue(incident, deps.clock.now()),
    values: typed?.values ?? { url: incident.postmortemUrl ?? '', completed: incident.postmortemCompletedAt !== null, title: '', owner: '', dueAt: '' },
    errors: typed?.errors ?? {},
  };
}
