/**
 * From the desk's maintenance forms to the inputs the API takes, validated by the same shared
 * schemas (through `parseForm`). Times are typed in `datetime-local` fields and read as UTC
 * (the form says so). Pure.
 */
import { parseLeadTimes } from '../shared/lead-times.ts';
import {
  CancelMaintenanceSeriesInput,
  CreateMaintenanceInput,
  ExtendMaintenanceInput,
  PostMaintenanceUpdateInput,
  RescheduleMaintenanceInput,
  SetMaintenanceRemindersInput,
} from '../shared/schemas.ts';
import { acknowledgedIn } from './forms.ts';
import { parseForm, type Checked } from './validate.ts';
import type { MaintenanceFormValues, MaintenanceActionValues } from './views.ts';

const SERVICE_FIELD = 'svc.';
const pick = (body: Record<string, string>, key: string) => (body[key] ?? '').trim();
const text = (body: Record<string, string>, key: string) => (body[key] ?? '').replace(/\r\n/g, '\n');

/**
 * A `datetime-local` value as an ISO instant, read as UTC; what cannot be read stays as typed,
 * so the schema names the field.
 * @example utcFromField('2026-03-10T22:00') // '2026-03-10T22:00:00.000Z'
 */
export function utcFromField(value: string): string {
  const d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  return value && !Number.isNaN(d.getTime()) ? d.toISOString() : value;
}

/**
 * An instant as a `datetime-local` value in UTC, to prefill a field.
 * @example fieldFromUtc('2026-03-10T22:00:00.000Z') // '2026-03-10T22:00'
 */
export const fieldFromUtc = (iso: string) => iso.slice(0, 16);

export function readNewMaintenance(body: Record<string, string>): MaintenanceFormValues {
  return {
    title: pick(body, 'title'),
    message: text(body, 'message'),
    scheduledFor: pick(body, 'scheduledFor'),
    scheduledUntil: pick(body, 'scheduledUntil'),
    services: Object.entries(body)
      .filter(([k, v]) => k.startsWith(SERVICE_FIELD) && v)
      .map(([k]) => k.slice(SERVICE_FIELD.length)),
    notify: pick(body, 'notify') !== 'no',
    acknowledgeWarnings: acknowledgedIn(body),
    reminders: pick(body, 'reminders'),
    repeat: pick(body, 'repeat') || 'none',
    every: pick(body, 'every') || '1',
    count: pick(body, 'count'),
    repeatUntil: pick(body, 'repeatUntil'),
  };
}

/**
 * The reminders field: lead times as people write them ("24h, 1h", "none"); empty keeps the
 * setting's (undefined), unless `required`.
 * @example leadTimesField('24h, 1h') // { ok: true, input: [1440, 60] }
 */
export function leadTimesField(text: string, required = false): Checked<number[] | undefined> {
  if (!text.trim() && !required) return { ok: true, input: undefined };
  const parsed = parseLeadTimes(text);
  return 'minutes' in parsed ? { ok: true, input: parsed.minutes } : { ok: false, errors: { reminderMinutes: parsed.error } };
}

/** The repeat fields as the API's `recurrence`, or undefined for a one-off window. */
function recurrenceOf(v: MaintenanceFormValues) {
  if (v.repeat !== 'weekly' && v.repeat !== 'monthly') return undefined;
  return {
    frequency: v.repeat,
    every: Number(v.every),
    ...(v.count ? { count: Number(v.count) } : {}),
    ...(v.repeatUntil ? { until: utcFromField(v.repeatUntil) } : {}),
  };
}

export function toScheduleInput(v: MaintenanceFormValues): Checked<CreateMaintenanceInput> {
  const reminders = leadTimesField(v.reminders);
  if (!reminders.ok) return reminders;
  return parseForm(
    CreateMaintenanceInput,
    {
      title: v.title,
      message: v.message,
      services: v.services,
      scheduledFor: utcFromField(v.scheduledFor),
      scheduledUntil: utcFromField(v.scheduledUntil),
      notify: v.notify,
      reminderMinutes: reminders.input,
      recurrence: recurrenceOf(v),
      acknowledgeWarnings: v.acknowledgeWarnings || undefined,
    },
    { scheduledFor: 'Give a date and time (UTC).', ...(v.scheduledUntil ? {} : { scheduledUntil: 'Give a date and time (UTC).' }) },
  );
}

export function readMaintenanceAction(body: Record<string, string>): MaintenanceActionValues {
  return {
    message: text(body, 'message'),
    scheduledFor: pick(body, 'scheduledFor'),
    scheduledUntil: pick(body, 'scheduledUntil'),
    reminders: pick(body, 'reminders'),
    notify: pick(body, 'notify') !== 'no',
    acknowledgeWarnings: acknowledgedIn(body),
  };
}

/** The extension form: a new end, and the words for the timeline (the default sentence when left empty). */
export function toExtendInput(v: MaintenanceActionValues): Checked<ExtendMaintenanceInput> {
  return parseForm(
    ExtendMaintenanceInput,
    {
      scheduledUntil: utcFromField(v.scheduledUntil),
      message: v.message.trim() ? v.message : undefined,
      notify: v.notify,
      acknowledgeWarnings: v.acknowledgeWarnings || undefined,
    },
    { scheduledUntil: 'Give the new end as a date and time (UTC).' },
  );
}

/** Ending early and calling off both complete the window, with the comms lead's words. */
export function toCompleteInput(v: MaintenanceActionValues): Checked<PostMaintenanceUpdateInput> {
  return parseForm(PostMaintenanceUpdateInput, {
    status: 'completed',
    message: v.message,
    notify: v.notify,
    acknowledgeWarnings: v.acknowledgeWarnings || undefined,
  });
}

/** The move form: a new start and end, and the words for the timeline (the default sentence when left empty). */
export function toRescheduleInput(v: MaintenanceActionValues): Checked<RescheduleMaintenanceInput> {
  return parseForm(
    RescheduleMaintenanceInput,
    {
      scheduledFor: utcFromField(v.scheduledFor),
      scheduledUntil: utcFromField(v.scheduledUntil),
      message: v.message.trim() ? v.message : undefined,
      notify: v.notify,
      acknowledgeWarnings: v.acknowledgeWarnings || undefined,
    },
    { scheduledFor: 'Give the new start as a date and time (UTC).', scheduledUntil: 'Give the new end as a date and time (UTC).' },
  );
}

/** The reminders form: lead times, "none" for none. */
export function toRemindersInput(v: MaintenanceActionValues): Checked<{ reminderMinutes: number[] }> {
  const reminders = leadTimesField(v.reminders, true);
  if (!reminders.ok) return reminders;
  return parseForm(SetMaintenanceRemindersInput, { reminderMinutes: reminders.input ?? [] });
}

/** Cancelling a whole series: the words each occurrence not yet started gets. */
export function toCancelSeriesInput(v: MaintenanceActionValues): Checked<CancelMaintenanceSeriesInput> {
  return parseForm(CancelMaintenanceSeriesInput, { message: v.message, notify: v.notify, acknowledgeWarnings: v.acknowledgeWarnings || undefined });
}

/** The words each form starts from: customer-facing, to be edited. */
export const DEFAULT_WORDS = {
  schedule: 'We will carry out planned maintenance on the services listed. We expect no downtime, but some requests may be slower while it runs.',
  end: 'The maintenance is complete and everything is working normally. Thank you for your patience.',
  cancel: 'This maintenance has been called off; nothing will change for you. If we reschedule it, we will let you know here.',
  cancelSeries: 'This recurring maintenance has been called off; this occurrence will not take place, nor will later ones.',
} as const;
