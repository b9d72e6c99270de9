/**
 * The search form's query, shared by the desk (/admin/search) and the public site (/search):
 * a plain GET form, so every search has a URL to share. Pure.
 */
import { z } from 'zod';
import { parseRef } from '../../shared/refs.ts';
import { Slug } from '../../shared/schemas.ts';
import { Severity } from '../../shared/vocabulary.ts';

const Day = z.union([z.iso.date('use a date like 2026-03-10'), z.literal('')]).default('');

export const IncidentSearchQuery = z
  .object({
    q: z.string().trim().max(200, 'at most 200 characters').default(''),
    ref: z
      .string()
      .trim()
      .refine((v) => v === '' || parseRef('incident', /^\d+$/.test(v) ? `INC-${v}` : v) !== null, 'an incident reference looks like INC-42')
      .default(''),
    service: z.union([Slug, z.literal('')]).default(''),
    severity: z.union([Severity, z.literal('')]).default(''),
    from: Day,
    to: Day,
  })
  .refine((s) => !s.from || !s.to || s.from <= s.to, { path: ['to'], message: 'must not be before the first day' });
export type IncidentSearchQuery = z.infer<typeof IncidentSearchQuery>;

/** Whether the form asks for anything (an empty form shows no results, only the form). */
export const asksForAnything = (q: IncidentSearchQuery) => Boolean(q.q || q.ref || q.service || q.severity || q.from || q.to);

/**
 * The query as the data layer's criteria.
 * @example searchCriteria({ q: 'api', ref: '42', service: '', severity: '', from: '', to: '' }) // { text: 'api', incidentId: 42 }
 */
export function searchCriteria(q: IncidentSearchQuery) {
  const id = q.ref ? parseRef('incident', /^\d+$/.test(q.ref) ? `INC-${q.ref}` : q.ref) : null;
  return {
    ...(q.q ? { text: q.q } : {}),
    ...(id !== null ? { incidentId: id } : {}),
    ...(q.service ? { serviceSlug: q.service } : {}),
    ...(q.severity ? { severity: q.severity } : {}),
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
  };
}
