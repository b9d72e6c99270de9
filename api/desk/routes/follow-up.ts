import { Hono, type Context } from 'hono';
import { addActionItem, markActionItem } from '../../features/plan/index.ts';
import { readIncident } from '../../features/incidents/index.ts';
import { CreateActionItemInput } from '../../features/plan/index.ts';
import { recordIncidentPostmortem, RecordPostmortemInput } from '../../features/postmortems/index.ts';
import { idFromRef } from '../../shared/refs.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { formBody } from '../render.ts';
import { attempt, parseForm } from '../validate.ts';
import type { FieldErrors, FollowUpValues } from '../views.ts';
import { storedFollowUp } from './follow-up-view.ts';
import { freshUpdate, showIncident } from './incident-page.ts';
import { actingUser } from './shared.ts';

/** The end of a day given as YYYY-MM-DD (UTC); anything else is passed on for the schema to refuse. */
const endOfDay = (day: string) => (/^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T23:59:59Z` : day);

/**
 * POST /admin/incidents/:ref/postmortem — the postmortem's link and completion.
 * POST …/action-items — adds an item; POST …/action-items/:id — marks it done or open again.
 * Each through the same command as the admin API; a refusal comes back beside its field.
 */
export const deskFollowUpRoutes = (deps: AppDeps) => {
  const refuse = async (c: Context<HeraldEnv>, id: number, values: FollowUpValues, errors: FieldErrors, preview = false) => {
    const incident = await readIncident(deps, id);
    return showIncident(c, deps, incident, { mode: 'update', values: freshUpdate(c, deps, incident, 'update'), followUp: { values, errors, preview } });
  };
  const blank: FollowUpValues = { url: '', completed: false, body: '', notify: false, title: '', owner: '', dueAt: '' };
  return (
    new Hono<HeraldEnv>()
      // intent: `save` (the link, completion and text as a draft), `preview` (nothing is written) or `publish`.
      .post('/admin/incidents/:ref/postmortem', async (c) => {
        const id = idFromRef('incident', c.req.param('ref'));
        const form = await formBody(c);
        const intent = form.intent === 'publish' || form.intent === 'preview' ? form.intent : 'save';
        const current = storedFollowUp(await readIncident(deps, id));
        const values = {
          ...blank,
          url: (form.url ?? '').trim(),
          completed: form.completed === 'yes',
          body: form.body ?? '',
          notify: form.notify === 'yes',
        };
        if (intent === 'preview') return refuse(c, id, values, {}, true);
        const publishing = intent === 'publish';
        const checked = parseForm(RecordPostmortemInput, {
          ...(values.url ? { url: values.url } : {}),
          // Publishing completes the postmortem; a box left unticked then means "as it is".
          ...(publishing && !values.completed ? {} : { completed: values.completed }),
          ...(values.body.trim() && (publishing || values.body !== current.body) ? { body: values.body } : {}),
          ...(publishing ? { publish: true, notify: values.notify } : {}),
          ...(form.acknowledgeWarnings === 'yes' ? { acknowledgeWarnings: true } : {}),
        });
        if (!checked.ok) return refuse(c, id, values, checked.errors);
        const done = await attempt(() => recordIncidentPostmortem(actingUser(c, deps), id, checked.input));
        if (!done.ok) return refuse(c, id, values, done.errors);
        return c.redirect(`/admin/incidents/${done.value.ref}?done=${publishing ? 'postmortem-published' : 'postmortem'}`, 303);
      })
      .post('/admin/incidents/:ref/action-items', async (c) => {
        const id = idFromRef('incident', c.req.param('ref'));
        const body = await formBody(c);
        const values = { ...blank, title: body.title ?? '', owner: body.owner ?? '', dueAt: (body.dueAt ?? '').trim() };
        const checked = parseForm(
          CreateActionItemInput,
          { title: values.title, owner: values.owner, ...(values.dueAt ? { dueAt: endOfDay(values.dueAt) } : {}) },
          { dueAt: 'Give a day, or leave it empty for 30 days from now.' },
        );
        if (!checked.ok) return refuse(c, id, values, checked.errors);
        const added = await attempt(() => addActionItem(actingUser(c, deps), id, checked.input));
        if (!added.ok) return refuse(c, id, values, added.errors);
        return c.redirect(`/admin/incidents/${added.value.incident}?done=action-item`, 303);
      })
      .post('/admin/incidents/:ref/action-items/:id', async (c) => {
        const id = idFromRef('incident', c.req.param('ref'));
        const itemId = Number(c.req.param('id'));
        const body = await formBody(c);
        const item = await markActionItem(actingUser(c, deps), id, Number.isSafeInteger(itemId) && itemId > 0 ? itemId : 0, { done: body.done === 'yes' });
        return c.redirect(`/admin/incidents/${item.incident}?done=action-item`, 303);
      })
  );
};
