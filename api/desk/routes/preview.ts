import { Hono } from 'hono';
import { readIncident } from '../../features/incidents/index.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { renderMarkdown } from '../../platform/markdown.ts';
import { idFromRef } from '../../shared/refs.ts';
import { createValues, createWarnings, previewMessage, readNewIncident, readUpdate, updateValues, updateWarnings } from '../forms.ts';
import { leftovers } from '../templates.ts';
import { formBody } from '../render.ts';
import { namesOf, serviceOptions } from './data.ts';
import { templatesOf } from './shared.ts';

/**
 * POST /admin/preview — the live preview: the form's message with its `{{…}}` filled as
 * posting would fill them, through the same sanitising renderer as the public page.
 * Answers `{ html, blanks, warnings }` (`warnings`: what the leak guard will find on posting,
 * field → message, as the form shows it beside each field on save); the page's script posts the whole form here
 * as it changes.
 */
export const deskPreviewRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().post('/admin/preview', async (c) => {
    const body = await formBody(c);
    const now = deps.clock.now();
    let message: string;
    let warnings: Record<string, string>;
    if (body.ref) {
      const incident = await readIncident(deps, idFromRef('incident', body.ref));
      const values = readUpdate(body, body.mode === 'resolve' ? 'resolve' : 'update');
      message = previewMessage(values.message, updateValues(values, incident, now));
      warnings = updateWarnings(values, message, incident);
    } else {
      const values = readNewIncident(body);
      message = previewMessage(values.message, createValues(values, namesOf(await serviceOptions(deps.db)), now));
      warnings = createWarnings(values, message);
    }
    // The findings only: the "publish anyway" box comes with the form's own Preview or on posting.
    delete warnings.acknowledgeWarnings;
    return c.json({ html: renderMarkdown(message), blanks: leftovers(message, templatesOf(deps)), warnings }, 200, { 'cache-control': 'no-store' });
  });
