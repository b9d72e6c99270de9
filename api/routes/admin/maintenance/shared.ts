import { maintenanceIdOfRef } from '../../../domain/maintenance.ts';
import { NotFoundError } from '../../../errors.ts';

/** The maintenance id a `:ref` names; an ill-formed ref is simply an unknown one. */
export function maintenanceIdFromParam(ref: string): number {
  const id = maintenanceIdOfRef(ref);
  if (id === null) throw new NotFoundError(`[Maintenance] No maintenance "${ref}". References look like MNT-7.`);
  return id;
}
