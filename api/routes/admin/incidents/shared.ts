import { toIncident } from '../../../domain/incident.ts';
import { IncidentRef, Incident } from '../../../domain/schemas.ts';
import { idOfRef } from '../../../domain/incident.ts';
import { loadIncident } from '../../../db/incidents.ts';
import type { WriteContext } from '../../../db/incidents.ts';
import { NotFoundError } from '../../../errors.ts';
import type { AppDeps } from '../../../http/env.ts';

/** The incident id a `:ref` names; an ill-formed ref is simply an unknown one. */
export function idFromParam(ref: string): number {
  const id = IncidentRef.safeParse(ref).success ? idOfRef(ref) : null;
  if (id === null) throw new NotFoundError(`[Incidents] No incident "${ref}". References look like INC-42.`);
  return id;
}

/** Loads an incident and shapes it exactly as the Incident schema says. */
export async function readIncident(deps: AppDeps, id: number): Promise<Incident> {
  const record = await loadIncident(deps.db, id);
  return Incident.parse(toIncident(record, deps.clock.now(), deps.config));
}

export const writeContext = (deps: AppDeps, actor: string): WriteContext => ({
  actor,
  now: deps.clock.now(),
  updateIntervalMinutes: deps.config.updateIntervalMinutes,
});

