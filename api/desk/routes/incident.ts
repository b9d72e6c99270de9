import { Hono, type Context } from 'hono';
import { postIncidentUpdate, readIncident, reopen } from '../../commands/incidents.ts';
import { ReopenInput } from '../../domain/schemas.ts';
import { countdown } from '../../domain/freshness-alerts.ts';
import { postmortemDueAt } from '../../domain/incident.ts';
import type { Incident } from '../../domain/schemas.ts';
import { listNotices } from '../../freshness/store.ts';
import type { AppDeps, HeraldEnv } from '../../http/env.ts';
import { renderMarkdown } from '../../markdown.ts';
import { idFromRef } from '../../domain/refs.ts';
import { fillTemplate } from '../templates.ts';
import { previewMessage, readUpdate, toUpdateInput, updateValues } from '../forms.ts';
import { common, formBody, needs, renderDesk } from '../render.ts';
import type { FieldErrors, UpdateValues } from '../views.ts';
import { serviceOptions } from './data.ts';
import { actingUser, choices, chooseTemplate, formErrors, isPreview, templatesOf } from './shared.ts';

type Mode = 'update' | 'resolve';

/**
 * GET /admin/incidents/:ref — the incident's timeline and the next update's form, prefilled
 * from the Status Update template. GET …/resolve — the form prefilled from the Resolution
 * template. POST …/updates — preview, or post through the same command as the API.
 * POST …/reopen — brings a resolved incident back (its own action, as in the API).
 */
export const deskIncidentRoutes = (deps: AppDeps) => {
  const show = async (c: Context<HeraldEnv>, incident: Incident, mode: Mode, values: UpdateValues, errors: FieldErrors, preview: boolean) => {
    const now = deps.clock.now();
    const templates = templatesOf(deps);
    const use = mode === 'resolve' ? 'resolve' : 'update';
    const template = chooseTemplate(templates, use, c.req.query('template'));
    const id = idFromRef('incident', incident.ref);
    const notices = await listNotices(deps.db, id);
    return renderDesk(
      c,
      deps,
      {
        ...common(c, deps),
        page: 'incident',
        mode,
        incident,
        updatesHtml: Object.fromEntries(incident.updates.map((u) => [u.id, renderMarkdown(u.message)])),
        values,
        services: await serviceOptions(deps.db),
        templates: choices(templates, use),
        templateNote: template?.note ?? '',
        errors,
        previewHtml: preview ? renderMarkdown(previewMessage(values.message, updateValues(values, incident, now))) : null,
        countdown: incident.nextUpdateDueAt ? countdown(new Date(incident.nextUpdateDueAt), now) : null,
        postmortemDueIfResolvedNow: postmortemDueAt(incident.severity, now.toISOString()),
        notices: notices.map((n) => ({ kind: n.kind, seq: n.seq, createdAt: n.createdAt, recipients: n.deliveries.length })),
      },
      Object.keys(errors).length ? 400 : 200,
    );
  };

  /** The form as first shown: the chosen template with what is already known filled in. */
  const fresh = (c: Context<HeraldEnv>, incident: Incident, mode: Mode): UpdateValues => {
    const template = chooseTemplate(templatesOf(deps), mode === 'resolve' ? 'resolve' : 'update', c.req.query('template'));
    const known = { title: incident.title, severity: incident.severity, impact: incident.impact ?? '', services: incident.services.map((s) => s.name).join(', ') };
    return readUpdate({ status: incident.status === 'resolved' ? 'monitoring' : incident.status, message: fillTemplate(template?.body ?? '', known) }, mode);
  };

  const page = (mode: Mode) => async (c: Context<HeraldEnv>) => {
    const incident = await readIncident(deps, idFromRef('incident', c.req.param('ref') ?? ''));
    return show(c, incident, mode, fresh(c, incident, mode), {}, false);
  };

  return new Hono<HeraldEnv>()
    .get('/admin/incidents/:ref', page('update'))
    .get('/admin/incidents/:ref/resolve', page('resolve'))
    .post('/admin/incidents/:ref/updates', async (c) => {
      needs(c, 'publish');
      const id = idFromRef('incident', c.req.param('ref'));
      const incident = await readIncident(deps, id);
      const body = await formBody(c);
      const mode: Mode = body.mode === 'resolve' ? 'resolve' : 'update';
      const values = readUpdate(body, mode);
      if (isPreview(body)) return show(c, incident, mode, values, {}, true);
      const result = toUpdateInput(values, incident, deps.clock.now(), templatesOf(deps));
      if (!result.ok) return show(c, incident, mode, values, result.errors, false);
      try {
        const after = await postIncidentUpdate(actingUser(c, deps), id, result.input);
        return c.redirect(`/admin/incidents/${after.ref}?done=${after.status === 'resolved' ? 'resolved' : 'updated'}`, 303);
      } catch (error) {
        const errors = formErrors(error);
        if (!errors) throw error;
        return show(c, incident, mode, values, errors, false);
      }
    })
    .post('/admin/incidents/:ref/reopen', async (c) => {
      needs(c, 'publish');
      const id = idFromRef('incident', c.req.param('ref'));
      const body = await formBody(c);
      const input = ReopenInput.safeParse({ status: body.status || undefined, message: body.message ?? '' });
      const refuse = async (errors: FieldErrors) => {
        const incident = await readIncident(deps, id);
        return show(c, incident, 'update', fresh(c, incident, 'update'), errors, false);
      };
      if (!input.success) return refuse({ message: 'Say why the incident is reopened: customers read this message.' });
      try {
        const after = await reopen(actingUser(c, deps), id, input.data);
        return c.redirect(`/admin/incidents/${after.ref}?done=reopened`, 303);
      } catch (error) {
        const errors = formErrors(error);
        if (!errors) throw error;
        return refuse(errors);
      }
    });
};
