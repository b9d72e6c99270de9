/**
 * The paged history: which URL shows which month of which scope (the site or one service),
 * how a month is split into pages, and the list entries they show. Pure.
 */
import { calendarFor } from '../shared/calendar.ts';
import { incidentDuration } from '../shared/duration.ts';
import { makeRef } from '../shared/refs.ts';
import type { IncidentStatus, Severity } from '../shared/vocabulary.ts';
import type { MaintenanceRecord } from '../features/maintenance/index.ts';
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

/** One line of a list of past maintenance: what was done, when, for how long, to which services. */
export type MaintenanceListEntry = {
  ref: string;
  title: string;
  /** The names of the services it affected. */
  services: string[];
  startedAt: string;
  completedAt: string;
  /** From its start to its end. */
  durationMs: number;
};

export type MonthLink = { key: string; label: string; href: string; incidents: number };

/** One month of /history: its newest incidents and the maintenance completed in it. */
export type HistoryMonthView = { key: string; label: string; incidents: IncidentListEntry[]; maintenances: MaintenanceListEntry[] };

/** /history: the newest incidents and completed maintenance by month, then every month with incidents. */
export type HistoryIndexView = { recent: HistoryMonthView[]; months: MonthLink[] };

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

/**
 * A window that ran and is over, as a history line: from when it started to when it ended.
 * (One called off before it started did not happen, so history does not list it.)
 */
export function toMaintenanceEntry(m: MaintenanceRecord): MaintenanceListEntry {
  const startedAt = m.startedAt ?? m.scheduledFor;
  const completedAt = m.completedAt ?? m.scheduledUntil;
  return {
    ref: makeRef('maintenance', m.id),
    title: m.title,
    services: m.services.map((s) => s.name),
    startedAt,
    completedAt,
    durationMs: incidentDuration(new Date(startedAt), new Date(completedAt), new Date(completedAt)),
  };
}

export function monthLinks(serviceSlug: string | null, months: readonly HistoryMonth[]): MonthLink[] {
  return months.map((m) => ({ key: m.month, label: monthLabel(m.month), href: monthPath(serviceSlug, m.month), incidents: m.incidents }));
}

/**
 * Groups incidents and completed maintenance (each newest first) by the month they started in,
 * newest month first: a month with only maintenance is listed too.
 */
export function byMonth(entries: readonly IncidentListEntry[], windows: readonly MaintenanceListEntry[] = []): HistoryMonthView[] {
  const groups = new Map<string, HistoryMonthView>();
  const group = (key: string) => groups.get(key) ?? groups.set(key, { key, label: monthLabel(key), incidents: [], maintenances: [] }).get(key)!;
  for (const e of entries) group(monthOf(e.startedAt)).incidents.push(e);
  for (const m of windows) group(monthOf(m.startedAt)).maintenances.push(m);
  return [...groups.values()].sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
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
