/**
 * The short references support staff paste into tickets (INC-42, MNT-7): made and read here
 * and nowhere else. No server imports.
 */

import { NotFoundError } from './errors.ts';

const PREFIX = { incident: 'INC', maintenance: 'MNT' } as const;
export type RefKind = keyof typeof PREFIX;

/** A reference's shape, for schemas: the prefix in any case, then an id without leading zeros. */
export const refPattern = (kind: RefKind): RegExp => new RegExp(`^${PREFIX[kind]}-([1-9][0-9]{0,15})$`, 'i');

/**
 * @example makeRef('incident', 42) // 'INC-42'
 */
export const makeRef = (kind: RefKind, id: number): string => `${PREFIX[kind]}-${id}`;

/**
 * The id inside a reference, or null when it is not one; `inc-42` and `INC-42` name the same incident.
 *
 * @example parseRef('maintenance', 'mnt-7') // 7
 * @example parseRef('incident', 'MNT-7') // null
 */
export function parseRef(kind: RefKind, ref: string): number | null {
  const match = refPattern(kind).exec(ref);
  return match ? Number(match[1]) : null;
}

const NOUN = { incident: ['Incidents', 'incident', 'INC-42'], maintenance: ['Maintenance', 'maintenance', 'MNT-7'] } as const;

/** The id a reference from a URL names; an ill-formed one is simply an unknown one (404). */
export function idFromRef(kind: RefKind, ref: string): number {
  const id = parseRef(kind, ref);
  if (id !== null) return id;
  const [subsystem, noun, example] = NOUN[kind];
  throw new NotFoundError(`[${subsystem}] No ${noun} "${ref}". References look like ${example}.`);
}
