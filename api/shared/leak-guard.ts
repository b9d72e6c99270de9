/**
 * The guard every public write passes through (incidents and maintenance, whoever asks): the
 * pure rule finds internals in the text; unless the writer acknowledged them, nothing is
 * written and the answer names each finding beside its field. The desk's preview asks the
 * same guard before anything is written, so the writer meets the same warnings there.
 */
import { describeFinding, findLeaks } from './leaks.ts';
import { LeaksInternalsError } from './errors.ts';

type LeakContext = { commander?: string | null; acknowledged?: boolean | undefined };

/** The error a write of `fields` is refused with, or null when it may be written. */
export function leaksError(fields: Readonly<Record<string, string | null | undefined>>, context: LeakContext): LeaksInternalsError | null {
  if (context.acknowledged) return null;
  const findings = findLeaks(fields, { commander: context.commander ?? null });
  if (findings.length === 0) return null;
  return new LeaksInternalsError(
    `[Publish] Customers would read ${findings.map(describeFinding).join(', ')}. Reword it, or send "acknowledgeWarnings": true to publish it as it is.`,
    findings.map((f) => ({ path: f.field, message: `looks like ${describeFinding(f)}` })),
  );
}

/** Throws `LeaksInternalsError` naming each finding in `fields`, unless `acknowledged`. */
export function refuseLeaks(fields: Readonly<Record<string, string | null | undefined>>, context: LeakContext): void {
  const error = leaksError(fields, context);
  if (error) throw error;
}
