/**
 * The guard every public write passes through (incidents and maintenance, whoever asks): the
 * pure rule finds internals in the text; unless the writer acknowledged them, nothing is
 * written and the answer names each finding beside its field.
 */
import { describeFinding, findLeaks } from './leaks.ts';
import { LeaksInternalsError } from './errors.ts';

/** Throws `LeaksInternalsError` naming each finding in `fields`, unless `acknowledged`. */
export function refuseLeaks(
  fields: Readonly<Record<string, string | null | undefined>>,
  context: { commander?: string | null; acknowledged?: boolean | undefined },
): void {
  if (context.acknowledged) return;
  const findings = findLeaks(fields, { commander: context.commander ?? null });
  if (findings.length === 0) return;
  throw new LeaksInternalsError(
    `[Publish] Customers would read ${findings.map(describeFinding).join(', ')}. Reword it, or send "acknowledgeWarnings": true to publish it as it is.`,
    findings.map((f) => ({ path: f.field, message: `looks like ${describeFinding(f)}` })),
  );
}
