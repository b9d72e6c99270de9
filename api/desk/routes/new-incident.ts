import { Hono, type Context } from 'hono';
import { declareIncident } from '../../features/incidents/index.ts';
import { readProposals } from '../../features/proposals/index.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { renderMarkdown } from '../../platform/markdown.ts';
import { createValues, createWarnings, previewMessage, readNewIncident, toCreateInput } from '../forms.ts';
import { common, formBody, renderDesk } from '../render.ts';
import type { FieldErrors, NewIncidentValues } from '../views.ts';
import { namesOf, serviceOptions } from './data.ts';
import { attempt } from '../validate.ts';
import { actingUser, choices, chooseTemplate, isPreview, templatesOf } from './shared.ts';

/**
 * GET /admin/incidents/new — the form, prefilled from the plan's Initial Alert template.
 * POST — "Preview" re-renders it with the message as it would appear; "Declare" declares the
 * incident through the same command as the API, then shows it.
 */
export const deskNewIncidentRoutes = (deps: AppDeps) => {
  const show = async (c: Context<HeraldEnv>, values: NewIncidentValues, errors: FieldErrors, preview: boolean, templateSlug?: string) => {
    const templates = templatesOf(deps);
    const template = chooseTemplate(templates, 'create', templateSlug);
    const services = await serviceOptions(deps.db);
    const previewed = preview ? previewMessage(values.message, createValues(values, namesOf(services), deps.clock.now())) : null;
    const previewHtml = previewed === null ? null : renderMarkdown(previewed);
    // A preview warns of internals exactly as declaring would, before anything is published.
    const shown = previewed === null ? errors : { ...createWarnings(values, previewed), ...errors };
    return renderDesk(
      c,
      deps,
      {
        ...common(c, deps),
        page: 'new-incident',
        proposals: await readProposals(deps.db),
        values,
        services,
        templates: choices(templates, 'create'),
        templateNote: template?.note ?? '',
        errors: shown,
        previewHtml,
      },
      Object.keys(shown).length && !preview ? 400 : 200,
    );
  };
  return new Hono<HeraldEnv>()
    .get('/admin/incidents/new', async (c) => {
      const template = chooseTemplate(templatesOf(deps), 'create', c.req.query('template'));
      const values = readNewIncident({ message: template?.body ?? '' });
      return show(c, values, {}, false, template?.slug);
    })
    .post('/admin/incidents/new', async (c) => {
      const body = await formBody(c);
      const values = readNewIncident(body);
      if (isPreview(body)) return show(c, values, {}, true);
      const services = await serviceOptions(deps.db);
      const result = toCreateInput(values, namesOf(services), deps.clock.now(), templatesOf(deps));
      if (!result.ok) return show(c, values, result.errors, false);
      const declared = await attempt(() => declareIncident(actingUser(c, deps), result.input));
      if (!declared.ok) return show(c, values, declared.errors, false);
      return c.redirect(`/admin/incidents/${declared.value.ref}?done=created`, 303);
    });
};
