import type { Context } from 'hono';
import { countdown } from '../../features/freshness/index.ts';
import { postmortemDueAt } from '../../features/incidents/index.ts';
import { idFromRef } from '../../shared/refs.ts';
import type { Incident } from '../../shared/schemas.ts';
import { listNotices } from '../../features/freshness/index.ts';
import { listTickets } from '../../features/tickets/index.ts';
import { readProposals } from '../../features/proposals/index.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { renderMarkdown } from '../../platform/markdown.ts';
import { previewMessage, readUpdate, updateValues, updateWarnings } from '../forms.ts';
import { common, renderDesk } from '../render.ts';
import { fillMessageTemplate } from '../templates.ts';
import type { DetailsValues, FieldErrors, FollowUpValues, IncidentPageView, UpdateValues } from '../views.ts';
import { followUpOf } from './follow-up-view.ts';
import { serviceOptions } from './data.ts';
import { choices, chooseTemplate, templatesOf } from './shared.ts';

export type Mode = 'update' | 'resolve';

/** What the incident page's three forms show: as first shown, or as posted with their errors. */
export type IncidentForms = {
  mode: Mode;
  values: UpdateValues;
  errors?: FieldErrors;
  preview?: boolean;
  reopen?: IncidentPageView['reopen'];
  details?: IncidentPageView['details'];
  followUp?: { values: FollowUpValues; errors: FieldErrors; preview?: boolean };
  tickets?: Omit<IncidentPageView['tickets'], 'list'>;
};

/** The update form as first shown: the chosen template with what is already known filled in. */
export function freshUpdate(c: Context<HeraldEnv>, deps: AppDeps, incident: Incident, mode: Mode): UpdateValues {
  const template = chooseTemplate(templatesOf(deps), mode === 'resolve' ? 'resolve' : 'update', c.req.query('template'));
  const known = {
    title: incident.title,
    severity: incident.severity,
    impact: incident.impact ?? '',
    services: incident.services.map((s) => s.name).join(', '),
  };
  return readUpdate(
    { status: incident.status === 'resolved' ? 'monitoring' : incident.status, message: fillMessageTemplate(template?.body ?? '', known) },
    mode,
  );
}

export const detailsOf = (incident: Incident): DetailsValues => ({
  title: incident.title,
  severity: incident.severity,
  impact: incident.impact ?? '',
  commander: incident.commander ?? '',
});

/**
 * The incident page: its timeline, the update (or resolve) form, the reopen form once resolved
 * and the details form. 400 when any form comes back with errors.
 */
export async function showIncident(c: Context<HeraldEnv>, deps: AppDeps, incident: Incident, forms: IncidentForms) {
  const now = deps.clock.now();
  const { mode, values, errors = {}, preview = false } = forms;
  const templates = templatesOf(deps);
  const use = mode === 'resolve' ? 'resolve' : 'update';
  const template = chooseTemplate(templates, use, c.req.query('template'));
  const notices = await listNotices(deps.db, idFromRef('incident', incident.ref));
  const reopen = forms.reopen ?? { values: { status: 'investigating', message: '' }, errors: {} };
  const details = forms.details ?? { values: detailsOf(incident), errors: {} };
  const tickets = forms.tickets ?? { values: { system: '', id: '', url: '' }, errors: {} };
  const previewed = preview ? previewMessage(values.message, updateValues(values, incident, now)) : null;
  const failed = [errors, reopen.errors, details.errors, tickets.errors].some((e) => Object.keys(e).length > 0);
  return renderDesk(
    c,
    deps,
    {
      ...common(c, deps),
      page: 'incident',
      proposals: incident.status === 'resolved' ? [] : await readProposals(deps.db, { services: incident.services.map((s) => s.slug) }),
      mode,
      incident,
      updatesHtml: Object.fromEntries(incident.updates.map((u) => [u.id, renderMarkdown(u.message)])),
      values,
      services: await serviceOptions(deps.db),
      templates: choices(templates, use),
      templateNote: template?.note ?? '',
      // A preview warns of internals exactly as posting would, before anything is published.
      errors: previewed === null ? errors : { ...updateWarnings(values, previewed, incident), ...errors },
      previewHtml: previewed === null ? null : renderMarkdown(previewed),
      countdown: incident.nextUpdateDueAt ? countdown(new Date(incident.nextUpdateDueAt), now) : null,
      postmortemDueIfResolvedNow: postmortemDueAt(incident.severity, now.toISOString()),
      notices: notices.map((n) => ({ kind: n.kind, seq: n.seq, createdAt: n.createdAt, recipients: n.deliveries.length })),
      reopen,
      details,
      followUp: await followUpOf(deps, incident, forms.followUp),
      tickets: { ...tickets, list: await listTickets(deps.db, idFromRef('incident', incident.ref)) },
    },
    failed || Object.keys(forms.followUp?.errors ?? {}).length > 0 ? 400 : 200,
  );
}
