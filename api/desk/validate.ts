/**
 * The desk's one way to check a form: the shared schemas decide what is valid (as they do for
 * the API), and every problem — a schema issue or a domain error from a command — becomes an
 * error on the field it is about, so the page comes back with the error beside that field.
 */
import type { z } from 'zod';
import { ConflictError, LeaksInternalsError, ValidationError, WindowInPastError } from '../shared/errors.ts';
import { leaksError } from '../shared/leak-guard.ts';
import type { FieldErrors } from './views.ts';

export type Checked<T> = { ok: true; input: T } | { ok: false; errors: FieldErrors };
export type Attempted<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** The key an error is shown under: the form field (first path segment), or 'form' for the whole form. */
const fieldOf = (path: readonly PropertyKey[] | string): string => String((typeof path === 'string' ? path.split('.') : path)[0] ?? '') || 'form';

/** The message without its `[Subsystem] ` prefix: on the form, the page says where it is. */
const plain = (message: string) => message.replace(/^\[[\w ]+\] /, '');

/**
 * Validates a form's values with a shared schema. Each field keeps its first issue; `wording`
 * replaces the schema's words for a field where the form can say it better to a person.
 *
 * @example parseForm(PatchUpdateInput, { message: '  ' }) // { ok: false, errors: { message: 'must not be empty' } }
 * @example parseForm(Role, 'root', { form: 'Choose a role.' }) // { ok: false, errors: { form: 'Choose a role.' } }
 */
export function parseForm<S extends z.ZodType>(schema: S, values: unknown, wording: Readonly<Record<string, string>> = {}): Checked<z.output<S>> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, input: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = fieldOf(issue.path);
    errors[field] ??= wording[field] ?? issue.message;
  }
  return { ok: false, errors };
}

/**
 * A domain error about what the form asked for — invalid (400), at odds with the current
 * state (409) or a maintenance window already over (422) — as field errors: its `fields` beside their fields, else its message for the
 * form as a whole. Null for any other error (not signed in, not allowed, the page's subject
 * gone, a fault of ours), which goes on to `onError` and the desk's error page.
 *
 * @example fieldErrorsOf(new ValidationError('[Users] Too short.', [{ path: 'password', message: 'use at least 12 characters' }])) // { password: 'use at least 12 characters' }
 */
function fieldErrorsOf(error: unknown): FieldErrors | null {
  if (error instanceof LeaksInternalsError) return leakErrors(error);
  if (!(error instanceof ValidationError || error instanceof ConflictError || error instanceof WindowInPastError)) return null;
  const errors: FieldErrors = {};
  for (const f of error.fields ?? []) errors[fieldOf(f.path)] ??= f.message;
  if (Object.keys(errors).length === 0) errors.form = plain(error.message);
  return errors;
}

/**
 * Internals found in the text: every finding beside its field (a field may hold several), and
 * the "publish anyway" checkbox's prompt.
 */
function leakErrors(error: LeaksInternalsError): FieldErrors {
  const byField = new Map<string, string[]>();
  for (const f of error.fields ?? []) byField.set(fieldOf(f.path), [...(byField.get(fieldOf(f.path)) ?? []), f.message]);
  const errors: FieldErrors = {};
  for (const [field, messages] of byField) errors[field] = `Customers would read this: it ${messages.join('; ')}.`;
  errors.acknowledgeWarnings = 'Reword the text, or tick this box if customers may read it as it is.';
  return errors;
}

/**
 * For a preview: what the leak guard will say when these public texts are posted, as the very
 * field errors the form shows on save (each finding beside its field, and the "publish anyway"
 * prompt). Empty when it finds nothing or the writer already acknowledged.
 *
 * @example leakWarnings({ message: 'db-prod-3 is down' }, {}) // { message: 'Customers would read this: it looks like an internal host name "db-prod-3".', acknowledgeWarnings: '…' }
 */
export function leakWarnings(
  fields: Readonly<Record<string, string | null | undefined>>,
  context: { commander?: string | null; acknowledged?: boolean },
): FieldErrors {
  const error = leaksError(fields, context);
  return error ? leakErrors(error) : {};
}

/**
 * Runs a command for a form: its result, or the domain error about the input as field errors
 * (`fieldErrorsOf`); anything else is thrown on.
 */
export async function attempt<T>(run: () => Promise<T>): Promise<Attempted<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    const errors = fieldErrorsOf(error);
    if (!errors) throw error;
    return { ok: false, errors };
  }
}
