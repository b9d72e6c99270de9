/**
 * From a posted desk form to the same input the API takes, validated by the same shared
 * schemas (through `parseForm`), with the template's `{{…}}` filled from the form's own
 * fields. Pure.
 */
import { formatDuration } from '../shared/duration.ts';
import { postmortemDueAt } from '../features/incidents/index.ts';
import { CreateIncidentInput, PostUpdateInput, ReleaseDraftInput, type Incident } from '../shared/schemas.ts';
import { INCIDENT_STATUS_LABEL, IncidentStatus, type Severity } from '../shared/vocabulary.ts';
import { fillMessageTemplate, leftovers, type Template } from './templates.ts';
import { leakWarnings, parseForm, type Checked } from './validate.ts';
import type { FieldErrors, NewIncidentValues, UpdateValues } from './views.ts';

const SERVICE_FIELD = 'svc.';

const pick = (body: Record<string, string>, key: string) => (body[key] ?? '').trim();
const notifyOf = (v: string): 'auto' | 'yes' | 'no' => (v === 'yes' || v === 'no' ? v : 'auto');

function serviceChoices(body: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (key.startsWith(SERVICE_FIELD) && value) out[key.slice(SERVICE_FIELD.length)] = value;
  return out;
}

export function readNewIncident(body: Record<string, string>): NewIncidentValues {
  return {
    title: pick(body, 'title'),
    severity: pick(body, 'severity') || 'P1',
    status: pick(body, 'status') || 'investigating',
    impact: pick(body, 'impact'),
    commander: pick(body, 'commander'),
    message: (body.message ?? '').replace(/\r\n/g, '\n'),
    nextUpdateInMinutes: pick(body, 'nextUpdateInMinutes') || '30',
    notify: notifyOf(pick(body, 'notify')),
    acknowledgeWarnings: acknowledgedIn(body),
    services: serviceChoices(body),
  };
}

/** The form's "Publish anyway" box was ticked. */
export const acknowledgedIn = (body: Record<string, string>) => pick(body, 'acknowledgeWarnings') === 'yes';

export function readUpdate(body: Record<string, string>, mode: 'update' | 'resolve'): UpdateValues {
  return {
    status: mode === 'resolve' ? 'resolved' : pick(body, 'status') || 'investigating',
    message: (body.message ?? '').replace(/\r\n/g, '\n'),
    eta: pick(body, 'eta'),
    nextUpdateInMinutes: pick(body, 'nextUpdateInMinutes') || '30',
    rootCause: pick(body, 'rootCause'),
    postmortemUrl: pick(body, 'postmortemUrl'),
    notify: notifyOf(pick(body, 'notify')),
    acknowledgeWarnings: acknowledgedIn(body),
    services: serviceChoices(body),
  };
}

const hhmm = (d: Date) => `${d.toISOString().slice(11, 16)} UTC`;
const utcLabel = (d: Date) => `${d.toISOString().slice(0, 10)} ${hhmm(d)}`;

/** A `datetime-local` value, read as UTC (the form says so). */
function etaFromField(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(d.getTime()) ? 'invalid' : d.toISOString();
}

type Names = ReadonlyMap<string, string>;

/** The values `{{…}}` take for a new incident, at `now`. */
export function createValues(v: NewIncidentValues, names: Names, now: Date): Record<string, string> {
  return {
    title: v.title,
    severity: v.severity,
    impact: v.impact,
    // In catalogue order, as the public page lists them.
    services: [...names]
      .filter(([slug]) => slug in v.services)
      .map(([, name]) => name)
      .join(', '),
    status: IncidentStatus.safeParse(v.status).success ? INCIDENT_STATUS_LABEL[v.status as IncidentStatus] : '',
    time: hhmm(now),
    next_update: nextUpdateLabel(v.nextUpdateInMinutes, now),
  };
}

/** "12:30 UTC": when the next update is promised, from the form's minutes (30 if unreadable). */
function nextUpdateLabel(minutes: string, now: Date): string {
  const n = Number(minutes);
  return hhmm(new Date(now.getTime() + (Number.isInteger(n) && n > 0 ? n : 30) * 60_000));
}

/** The values `{{…}}` take for an update or the resolution of `incident`, at `now`. */
export function updateValues(v: UpdateValues, incident: Incident, now: Date): Record<string, string> {
  const eta = etaFromField(v.eta);
  const due = postmortemDueAt(incident.severity as Severity, now.toISOString());
  return {
    title: incident.title,
    severity: incident.severity,
    impact: incident.impact ?? '',
    services: incident.services.map((s) => s.name).join(', '),
    status: IncidentStatus.safeParse(v.status).success ? INCIDENT_STATUS_LABEL[v.status as IncidentStatus] : '',
    time: hhmm(now),
    next_update: nextUpdateLabel(v.nextUpdateInMinutes, now),
    eta: eta && eta !== 'invalid' ? hhmm(new Date(eta)) : 'not yet known',
    duration: formatDuration(now.getTime() - new Date(incident.startedAt).getTime()),
    root_cause: v.rootCause,
    // Templates read "Postmortem: {{postmortem}}": the value is the link, or when it is due (as in Slack).
    postmortem: v.postmortemUrl || (due ? `due by ${utcLabel(new Date(due))}` : `none planned (${incident.severity})`),
  };
}

/** The message with its `{{…}}` filled, or the blanks still in it as the message field's error. */
function filledMessage(message: string, values: Record<string, string>, templates: readonly Template[]): { message: string; errors: FieldErrors } {
  const filled = fillMessageTemplate(message, values).trim();
  const blanks = leftovers(filled, templates);
  return { message: filled, errors: blanks.length ? { message: `Fill in or remove ${blanks.join(', ')} before posting.` } : {} };
}

/** The schema's verdict, with the template's blanks (if any) as the message's error. */
function withBlanks<T>(checked: Checked<T>, blanks: FieldErrors): Checked<T> {
  if (Object.keys(blanks).length === 0) return checked;
  return { ok: false, errors: { ...(checked.ok ? {} : checked.errors), ...blanks } };
}

const notifyValue = (n: 'auto' | 'yes' | 'no') => (n === 'auto' ? undefined : n === 'yes');

export function toCreateInput(v: NewIncidentValues, names: Names, now: Date, templates: readonly Template[]): Checked<CreateIncidentInput> {
  const filled = filledMessage(v.message, createValues(v, names, now), templates);
  const checked = parseForm(CreateIncidentInput, {
    title: v.title,
    severity: v.severity,
    status: v.status,
    message: filled.message,
    services: Object.entries(v.services).map(([slug, status]) => ({ slug, status })),
    impact: v.impact || undefined,
    commander: v.commander || undefined,
    nextUpdateInMinutes: Number(v.nextUpdateInMinutes),
    notify: notifyValue(v.notify),
    acknowledgeWarnings: v.acknowledgeWarnings || undefined,
  });
  return withBlanks(checked, filled.errors);
}

/**
 * The release of a draft from the declaring form's values: the same fields as a declaration
 * (title, severity, services, impact, commander, message, next update, notify), so the first
 * words and statuses customers read are the person's, not the alert's.
 */
export function toReleaseInput(v: NewIncidentValues, names: Names, now: Date, templates: readonly Template[]): Checked<ReleaseDraftInput> {
  const filled = filledMessage(v.message, createValues(v, names, now), templates);
  const checked = parseForm(
    ReleaseDraftInput,
    {
      title: v.title || undefined,
      severity: v.severity,
      status: v.status,
      message: filled.message,
      services: Object.entries(v.services).map(([slug, status]) => ({ slug, status })),
      impact: v.impact || undefined,
      commander: v.commander || undefined,
      nextUpdateInMinutes: Number(v.nextUpdateInMinutes),
      notify: notifyValue(v.notify),
      acknowledgeWarnings: v.acknowledgeWarnings || undefined,
    },
    { message: 'Write the first message customers will read.' },
  );
  return withBlanks(checked, filled.errors);
}

export function toUpdateInput(v: UpdateValues, incident: Incident, now: Date, templates: readonly Template[]): Checked<PostUpdateInput> {
  const filled = filledMessage(v.message, updateValues(v, incident, now), templates);
  const eta = etaFromField(v.eta);
  const resolving = v.status === 'resolved';
  const checked = parseForm(PostUpdateInput, {
    status: v.status,
    message: filled.message,
    services: Object.entries(v.services).map(([slug, status]) => ({ slug, status })),
    eta: resolving ? undefined : eta === 'invalid' ? 'not a date' : eta,
    nextUpdateInMinutes: resolving ? undefined : Number(v.nextUpdateInMinutes),
    rootCause: resolving ? v.rootCause || undefined : undefined,
    postmortemUrl: resolving ? v.postmortemUrl || undefined : undefined,
    notify: notifyValue(v.notify),
    acknowledgeWarnings: v.acknowledgeWarnings || undefined,
  });
  return withBlanks(checked, filled.errors);
}

/** The message as it would be posted now, for the preview: blanks filled where the form allows. */
export const previewMessage = (message: string, values: Record<string, string>) => fillMessageTemplate(message, values);

/**
 * For the new-incident preview: the leak guard's warnings on the texts declaring would publish
 * (`message` filled as the preview shows it), as the form shows them on save.
 */
export const createWarnings = (v: NewIncidentValues, message: string): FieldErrors =>
  leakWarnings({ title: v.title, message, impact: v.impact }, { commander: v.commander, acknowledged: v.acknowledgeWarnings });

/** For an update's preview: the leak guard's warnings on the texts posting would publish, as on save. */
export const updateWarnings = (v: UpdateValues, message: string, incident: Pick<Incident, 'commander'>): FieldErrors =>
  leakWarnings(
    { message, rootCause: v.status === 'resolved' ? v.rootCause : undefined },
    { commander: incident.commander, acknowledged: v.acknowledgeWarnings },
  );
