import { idOfRef } from '../../../domain/incident.ts';
import { IncidentRef } from '../../../domain/schemas.ts';
import { NotFoundError } from '../../../errors.ts';

/** The incident id a `:ref` names; an ill-formed ref is simply an unknown one. */
export function idFromParam(ref: string): number {
  const id = IncidentRef.safeParse(ref).success ? idOfRef(ref) : null;
  if (id === null) throw new NotFoundError(`[Incidents] No incident "${ref}". References look like INC-42.`);
  return id;
}
