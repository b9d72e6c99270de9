/**
 * The search form's query, shared by the desk (/admin/search) and the public site (/search):
 * a plain GET form, so every search has a URL to share. Pure.
 */
import { z } from 'zod';
import { parseRef } from '../../shared/refs.ts';
import { Slug } from '../../shared/schemas.ts';
import { Severity } from '../../shared/vocabulary.ts';
import { readSearchText, type SearchRef, type SearchWord } from './rules.ts';

const Day = z.union([z.iso.date('use a date like 2026-03-10'), z.literal('')]).default('');

/**
 * What the reference field names: INC-42 or MNT-7 in any case, or a bare number for an incident.
 * @example refOf('42') // { kind: 'incident', id: 42 }
 */
export function refOf(typed: string): SearchRef | null {
  const text = typed.trim();
  const incident = parseRef('incident', /^\d+$/.test(text) ? `INC-${text}` : text);
  if (incident !== null) return { kind: 'incident', id: incident };
  const maintenance = parseRef('maintenance', text);
  return maintenance !== null ? { kind: 'maintenance', id: maintenance } : null;
}

/** The whitespace of a typed field, collapsed: "  slow   api " and "slow api" are one search. */
const Collapsed = z.string().transform((s) => s.replace(/\s+/g, ' ').trim());

export const SearchQuery = z
  .object({
    q: Collapsed.pipe(z.string().max(200, 'at most 200 characters')).default(''),
    ref: Collapsed.refine((v) => v === '' || refOf(v) !== null, 'a reference looks like INC-42 or MNT-7').default(''),
    service: z.union([Slug, z.literal('')]).default(''),
    severity: z.union([Severity, z.literal('')]).default(''),
    from: Day,
    to: Day,
  })
  .refine((s) => !s.from || !s.to || s.from <= s.to, { path: ['to'], message: 'must not be before the first day' });
export type SearchQuery = z.infer<typeof SearchQuery>;

/** Whether the form asks for anything (an empty form shows no results, only the form). */
export const asksForAnything = (q: SearchQuery) => Boolean(q.q || q.ref || q.service || q.severity || q.from || q.to);

/** What a search asks of the data layer. */
export type SearchCriteria = {
  /** Whether words were typed at all: typed words that hold no letter or digit ("%%%") find nothing. */
  typed: boolean;
  /** What the typed words name by reference: found whatever their text says. */
  mentioned: SearchRef[];
  /** Words every text match holds. */
  words: SearchWord[];
  /** The reference field: only this incident or window. */
  only?: SearchRef;
  serviceSlug?: string;
  /** Incidents of this severity only (maintenance has none, so none is found). */
  severity?: string;
  /** Started (or, for maintenance, scheduled) on or after this day, UTC. */
  from?: string;
  /** Started (or scheduled) on or before this day, UTC. */
  to?: string;
};

/**
 * The query as the data layer's criteria.
 * @example searchCriteria({ q: 'api INC-4', ref: '', service: '', severity: '', from: '', to: '' }).mentioned // [{ kind: 'incident', id: 4 }]
 */
export function searchCriteria(q: SearchQuery): SearchCriteria {
  const text = readSearchText(q.q);
  const only = q.ref ? refOf(q.ref) : null;
  return {
    typed: q.q !== '',
    mentioned: text.refs,
    words: text.words,
    ...(only ? { only } : {}),
    ...(q.service ? { serviceSlug: q.service } : {}),
    ...(q.severity ? { severity: q.severity } : {}),
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
  };
}

/**
 * One key per search, whatever the order of the URL's parameters or the spacing typed: what
 * the cache files a rendered page under.
 * @example searchKey({ q: 'slow api', ref: '', service: '', severity: 'P1', from: '', to: '' }) // '["slow api","","","P1","",""]'
 */
export const searchKey = (values: Record<'q' | 'ref' | 'service' | 'severity' | 'from' | 'to', string>): string =>
  JSON.stringify([values.q, values.ref, values.service, values.severity, values.from, values.to]);
