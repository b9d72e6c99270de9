import { Hono, type Context } from 'hono';
import {
  cancelMaintenanceSeries,
  extendMaintenance,
  leadTimesOf,
  postMaintenanceUpdate,
  readMaintenance,
  rescheduleMaintenance,
  scheduleMaintenance,
  setMaintenanceReminders,
} from '../../features/maintenance/index.ts';
import { formatLeadTimes } from '../../shared/lead-times.ts';
import { idFromRef } from '../../shared/refs.ts';
import type { Maintenance } from '../../shared/schemas.ts';
import { ConflictError } from '../../shared/errors.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { renderMarkdown } from '../../platform/markdown.ts';
import {
  DEFAULT_WORDS,
  fieldFromUtc,
  readMaintenanceAction,
  readNewMaintenance,
  toCancelSeriesInput,
  toCompleteInput,
  toExtendInput,
  toRemindersInput,
  toRescheduleInput,
  toScheduleInput,
} from '../maintenance-forms.ts';
import { common, formBody, renderDesk } from '../render.ts';
import { attempt, type Checked } from '../validate.ts';
import type { FieldErrors, MaintenanceAction, MaintenanceActionValues, MaintenanceFormValues, MaintenancePageView } from '../views.ts';
import { serviceOptions } from './data.ts';
import { actingUser } from './shared.ts';

const HOUR = 3_600_000;

/** The flash each of a window's forms leaves once done (api/desk/render.ts). */
const DONE: Record<MaintenanceAction, string> = {
  extend: 'maintenance-extended',
  end: 'maintenance-ended',
  cancel: 'maintenance-cancelled',
  reschedule: 'maintenance-rescheduled',
  reminders: 'maintenance-reminders',
  cancelSeries: 'maintenance-series-cancelled',
};

/** The form for a new window: tonight's next whole hour, for an hour, every service unticked. */
function blankWindow(now: Date): MaintenanceFormValues {
  const start = new Date(Math.ceil((now.getTime() + HOUR) / HOUR) * HOUR);
  return {
    title: '',
    message: DEFAULT_WORDS.schedule,
    scheduledFor: fieldFromUtc(start.toISOString()),
    scheduledUntil: fieldFromUtc(new Date(start.getTime() + HOUR).toISOString()),
    services: [],
    notify: true,
    acknowledgeWarnings: false,
    reminders: '',
    repeat: 'none',
    every: '1',
    count: '',
    repeatUntil: '',
  };
}

/** Each form of a window's page as first shown: the extension an hour past the current end. */
function freshForms(m: Maintenance): MaintenancePageView['forms'] {
  const blank = { scheduledFor: '', scheduledUntil: '', reminders: '', notify: true, acknowledgeWarnings: false };
  return {
    extend: { values: { ...blank, message: '', scheduledUntil: fieldFromUtc(new Date(Date.parse(m.scheduledUntil) + HOUR).toISOString()) }, errors: {} },
    end: { values: { ...blank, message: DEFAULT_WORDS.end }, errors: {} },
    cancel: { values: { ...blank, message: DEFAULT_WORDS.cancel }, errors: {} },
    reschedule: { values: { ...blank, message: '', scheduledFor: fieldFromUtc(m.scheduledFor), scheduledUntil: fieldFromUtc(m.scheduledUntil) }, errors: {} },
    reminders: { values: { ...blank, message: '', reminders: formatLeadTimes(m.reminderMinutes ?? m.reminders.map((r) => r.minutesBefore)) }, errors: {} },
    cancelSeries: { values: { ...blank, message: DEFAULT_WORDS.cancelSeries }, errors: {} },
  };
}

/**
 * The desk's maintenance: GET /admin/maintenance/new and POST it schedule a window; GET
 * /admin/maintenance/:ref shows one with its timeline; POST …/extend, …/end and …/cancel move
 * it. Every write goes through the same command and schema as /api/admin/maintenance; a
 * refused form comes back with each error beside its field.
 */
export const deskMaintenanceWriteRoutes = (deps: AppDeps) => {
  const showNew = async (c: Context<HeraldEnv>, values: MaintenanceFormValues, errors: FieldErrors) =>
    renderDesk(
      c,
      deps,
      {
        ...common(c, deps),
        page: 'new-maintenance',
        values,
        services: await serviceOptions(deps.db),
        errors,
        defaultReminders: formatLeadTimes(leadTimesOf(deps, undefined)),
      },
      Object.keys(errors).length ? 400 : 200,
    );

  /** One of the window's forms posted: checked by the schema, then run; refused, the page comes back with that form's errors. */
  const act =
    (
      action: MaintenanceAction,
      run: (ctx: ReturnType<typeof actingUser>, id: number, m: Maintenance, v: MaintenanceActionValues) => Checked<() => Promise<unknown>>,
    ) =>
    async (c: Context<HeraldEnv>) => {
      const id = idFromRef('maintenance', c.req.param('ref') ?? '');
      const current = await readMaintenance(deps, id);
      const values = readMaintenanceAction(await formBody(c));
      const refuse = (errors: FieldErrors) => showMaintenance(c, deps, current, { [action]: { values, errors } });
      const checked = run(actingUser(c, deps), id, current, values);
      if (!checked.ok) return refuse(checked.errors);
      const done = await attempt(checked.input);
      if (!done.ok) return refuse(done.errors);
      return c.redirect(`/admin/maintenance/${current.ref}?done=${DONE[action]}`, 303);
    };

  /** Ending needs a running window, calling off one not started: said beside the form, not done as the other. */
  const completing =
    (wanted: 'in_progress' | 'scheduled', refusal: string) => (ctx: ReturnType<typeof actingUser>, id: number, m: Maintenance, v: MaintenanceActionValues) => {
      const checked = toCompleteInput(v);
      if (!checked.ok) return checked;
      return {
        ok: true as const,
        input: async () => {
          if (m.status !== wanted) throw new ConflictError(`[Maintenance] ${refusal}`);
          return postMaintenanceUpdate(ctx, id, checked.input);
        },
      };
    };

  return new Hono<HeraldEnv>()
    .get('/admin/maintenance/new', (c) => showNew(c, blankWindow(deps.clock.now()), {}))
    .post('/admin/maintenance/new', async (c) => {
      const values = readNewMaintenance(await formBody(c));
      const checked = toScheduleInput(values);
      if (!checked.ok) return showNew(c, values, checked.errors);
      const scheduled = await attempt(() => scheduleMaintenance(actingUser(c, deps), checked.input));
      if (!scheduled.ok) return showNew(c, values, scheduled.errors);
      return c.redirect(`/admin/maintenance/${scheduled.value.ref}?done=maintenance-scheduled`, 303);
    })
    .post(
      '/admin/maintenance/:ref/extend',
      act('extend', (ctx, id, _m, v) => {
        const checked = toExtendInput(v);
        return checked.ok ? { ok: true, input: () => extendMaintenance(ctx, id, checked.input) } : checked;
      }),
    )
    .post(
      '/admin/maintenance/:ref/reschedule',
      act('reschedule', (ctx, id, _m, v) => {
        const checked = toRescheduleInput(v);
        return checked.ok ? { ok: true, input: () => rescheduleMaintenance(ctx, id, checked.input) } : checked;
      }),
    )
    .post(
      '/admin/maintenance/:ref/reminders',
      act('reminders', (ctx, id, _m, v) => {
        const checked = toRemindersInput(v);
        return checked.ok ? { ok: true, input: () => setMaintenanceReminders(ctx, id, checked.input) } : checked;
      }),
    )
    .post(
      '/admin/maintenance/:ref/cancel-series',
      act('cancelSeries', (ctx, _id, m, v) => {
        const checked = toCancelSeriesInput(v);
        if (!checked.ok) return checked;
        return {
          ok: true,
          input: async () => {
            if (!m.series) throw new ConflictError('[Maintenance] This window is not part of a recurring series.');
            return cancelMaintenanceSeries(ctx, m.series.id, checked.input);
          },
        };
      }),
    )
    .post('/admin/maintenance/:ref/end', act('end', completing('in_progress', 'Only a window in progress can be ended; cancel one that has not started.')))
    .post('/admin/maintenance/:ref/cancel', act('cancel', completing('scheduled', 'This window has already started; end it instead of cancelling it.')));
};

/** A window's desk page, with `forms` overriding the fresh ones (a refused form keeps what was typed). */
async function showMaintenance(c: Context<HeraldEnv>, deps: AppDeps, m: Maintenance, forms: Partial<MaintenancePageView['forms']> = {}) {
  const refused = Object.values(forms).some((f) => Object.keys(f.errors).length > 0);
  return renderDesk(
    c,
    deps,
    {
      ...common(c, deps),
      page: 'maintenance',
      maintenance: m,
      updatesHtml: Object.fromEntries(m.updates.map((u) => [u.id, renderMarkdown(u.message)])),
      forms: { ...freshForms(m), ...forms },
    },
    refused ? 400 : 200,
  );
}

/** GET /admin/maintenance/:ref — every role may read a window's desk page. */
export const deskMaintenanceReadRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>().get('/admin/maintenance/:ref', async (c) =>
    showMaintenance(c, deps, await readMaintenance(deps, idFromRef('maintenance', c.req.param('ref')))),
  );
