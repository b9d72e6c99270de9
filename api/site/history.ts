/**
 * The paged history: which URL shows which month of which scope (the site or one service),
 * how a month is split into pages, and the list entries they show. Pure.
 */
import { calendarFor } from '../shared/calendar.ts';
import { incidentDuration } from '../shared/duration.ts';
import { makeRef } from '../shared/refs.ts';
import type { IncidentStatus, Severity } from '../shared/vocabulary.ts';
import type { HistoryMonth, IncidentSummary } from './store.ts';

/** Incidents per history page: a month with more is split, so no page grows past ~50 KB of HTML. */
export const MONTH_PAGE_SIZE = 100;

/** One line of a history list. */
export type IncidentListEntry = {
  ref: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  startedAt: string;
  resolvedAt: string | null;
  durationMs: number;
};

export type MonthLink = { key: string; label: string; href: string; incidents: number };

/** /history: the newest incidents by month, then every month with incidents. */
export type HistoryIndexView = { recent: { key: string; label: string; incidents: IncidentListEntry[] }[]; months: MonthLink[] };

/** One page of one month: /history/2026/11 or /services/api/history/2026/11 (page 2: …/2026/11/2). */
export type MonthPageView = {
  scope: { slug: string; name: string } | null;
  key: string;
  label: string;
  page: number;
  pages: { page: number; href: string }[];
  incidents: IncidentListEntry[];
  newer: MonthLink | null;
  older: MonthLink | null;
  historyHref: string;
};

/** The base of a scope's history URLs: `/history` or `/services/api/history`. */
const historyBase = (serviceSlug: string | null): string => (serviceSlug ? `/services/${serviceSlug}/history` : '/history');

/**
 * The URL of a month's page.
 * @example monthPath(null, '2026-11', 1) // "/history/2026/11"
 * @example monthPath('api', '2026-11', 2) // "/services/api/history/2026/11/2"
 */
export function monthPath(serviceSlug: string | null, month: string, page = 1): string {
  const [year, mm] = month.split('-');
  return `${historyBase(serviceSlug)}/${year}/${mm}${page > 1 ? `/${page}` : ''}`;
}

/** How many pages a month of `count` incidents takes (at least one). */
export const pagesIn = (count: number): number => Math.max(1, Math.ceil(count / MONTH_PAGE_SIZE));

/** @example monthLabel('2026-11') // "November 2026" */
const monthLabel = (month: string): string => BRITISH.monthYear(new Date(`${month}-01T00:00:00Z`));
const BRITISH = calendarFor('en-GB');

const monthOf = (iso: string): string => iso.slice(0, 7);

export function toListEntry(s: IncidentSummary, now: Date): IncidentListEntry {
  return {
    ref: makeRef('incident', s.id),
    title: s.title,
    severity: s.severity,
    status: s.status,
    startedAt: s.startedAt,
    resolvedAt: s.resolvedAt,
    durationMs: incidentDuration(new Date(s.startedAt), s.resolvedAt ? new Date(s.resolvedAt) : null, now),
  };
}

export function monthLinks(serviceSlug: string | null, months: readonly HistoryMonth[]): MonthLink[] {
  return months.map((m) => ({ key: m.month, label: monthLabel(m.month), href: monthPath(serviceSlug, m.month), incidents: m.incidents }));
}

/** Groups list entries (newest first) by the month they started in. */
export function byMonth(entries: readonly IncidentListEntry[]): { key: string; label: string; incidents: IncidentListEntry[] }[] {
  const groups = new Map<string, IncidentListEntry[]>();
  for (const e of entries) {
    const key = monthOf(e.startedAt);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups].map(([key, incidents]) => ({ key, label: monthLabel(key), incidents }));
}

/** The view of page `page` of `month`, given the scope's month index (newest first). */
export function monthPageView(input: {
  scope: { slug: string; name: string } | null;
  month: string;
  page: number;
  count: number;
  incidents: IncidentListEntry[];
  months: readonly HistoryMonth[];
}): MonthPageView {
  const slug = input.scope?.slug ?? null;
  const links = monthLinks(slug, input.months);
  const at = links.findIndex((l) => l.key === input.month);
  return {
    scope: input.scope,
    key: input.month,
    label: monthLabel(input.month),
    page: input.page,
    pages: Array.from({ length: pagesIn(input.count) }, (_, i) => ({ page: i + 1, href: monthPath(slug, input.month, i + 1) })),
    incidents: input.incidents,
    newer: at > 0 ? (links[at - 1] ?? null) : null,
    older: at >= 0 ? (links[at + 1] ?? null) : null,
    historyHref: slug ? `/services/${slug}` : '/history',
  };
}
