import { Hono, type Context } from 'hono';
import { editUpdate, readIncident } from '../../features/incidents/index.ts';
import { PatchUpdateInput, type Incident } from '../../shared/schemas.ts';
import { NotFoundError } from '../../shared/errors.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { renderMarkdown } from '../../platform/markdown.ts';
import { idFromRef } from '../../shared/refs.ts';
import { acknowledgedIn } from '../forms.ts';
import { common, formBody, renderDesk } from '../render.ts';
import type { FieldErrors } from '../views.ts';
import { attempt, leakWarnings, parseForm } from '../validate.ts';
import { actingUser, isPreview } from './shared.ts';

/**
 * GET/POST /admin/incidents/:ref/updates/:id/edit — corrects an update's message through the
 * same command as the API: the public page marks it edited, the audit log keeps both versions.
 */
export const deskEditUpdateRoutes = (deps: AppDeps) => {
  const load = async (c: Context<HeraldEnv>) => {
    const incident = await readIncident(deps, idFromRef('incident', c.req.param('ref') ?? ''));
    const update = incident.updates.find((u) => String(u.id) === c.req.param('id'));
    if (!update) throw new NotFoundError(`[Desk] ${incident.ref} has no update ${c.req.param('id')}.`);
    return { incident, update };
  };
  const show = (c: Context<HeraldEnv>, incident: Incident, update: Incident['updates'][number], message: string, errors: FieldErrors, preview: boolean) =>
    renderDesk(
      c,
      deps,
      {
        ...common(c, deps),
        page: 'edit-update',
        incident: { ref: incident.ref, title: incident.title },
        update: { id: update.id, createdAt: update.createdAt, editedAt: update.editedAt, status: update.status },
        message,
        errors,
        previewHtml: preview ? renderMarkdown(message) : null,
      },
      Object.keys(errors).length && !preview ? 400 : 200,
    );
  return new Hono<HeraldEnv>()
    .get('/admin/incidents/:ref/updates/:id/edit', async (c) => {
      const { incident, update } = await load(c);
      return show(c, incident, update, update.message, {}, false);
    })
    .post('/admin/incidents/:ref/updates/:id/edit', async (c) => {
      const { incident, update } = await load(c);
      const body = await formBody(c);
      const message = (body.message ?? '').replace(/\r\n/g, '\n');
      // A preview warns of internals exactly as saving would, before anything is published.
      if (isPreview(body))
        return show(c, incident, update, message, leakWarnings({ message }, { commander: incident.commander, acknowledged: acknowledgedIn(body) }), true);
      const checked = parseForm(PatchUpdateInput, { message });
      if (!checked.ok) return show(c, incident, update, message, checked.errors, false);
      const edited = await attempt(() =>
        editUpdate(actingUser(c, deps), idFromRef('incident', incident.ref), update.id, checked.input.message, { acknowledgeWarnings: acknowledgedIn(body) }),
      );
      if (!edited.ok) return show(c, incident, update, message, edited.errors, false);
      return c.redirect(`/admin/incidents/${incident.ref}?done=edited`, 303);
    });
};
