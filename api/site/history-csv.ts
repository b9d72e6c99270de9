/**
 * /history.csv: every published incident as one CSV file for support staff and customers'
 * tools (ref, title, severity, start, end, duration, services, link), newest first. Drafts
 * never appear. Severity is in the public JSON's words (Statuspage's `impact`: critical, major,
 * minor, none), never the plan's internal codes.
 *
 * The file lists the whole history, so it is written again only when a row of it changes (an
 * incident declared, released, resolved, reopened or edited) — not on every update of an open
 * incident: `createHistoryCsv` keeps the rows between publishes.
 */
import { IMPACT_BY_SEVERITY } from '../shared/vocabulary.ts';
import { makeRef } from '../shared/refs.ts';
import { toCsvFile } from '../platform/csv.ts';
import type { Executor } from '../platform/db/client.ts';
import { historyCsvRows, type HistoryCsvRow } from './store.ts';

export const HISTORY_CSV_PATH = '/history.csv';

export const HISTORY_CSV_COLUMNS = ['ref', 'title', 'severity', 'start', 'end', 'duration_minutes', 'services', 'link'] as const;

const newestFirst = (a: HistoryCsvRow, b: HistoryCsvRow) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : b.id - a.id);

/**
 * The file for `rows` (any order). An open incident has no end and no duration yet.
 * @example renderHistoryCsv([{ id: 4, title: 'API errors', severity: 'P1', startedAt: '2026-03-10T10:00:00.000Z', resolvedAt: '2026-03-10T10:30:00.000Z', services: ['Public API'] }], 'https://status.example.com')
 * // 'ref,title,severity,start,end,duration_minutes,services,link\r\nINC-4,API errors,major,2026-03-10T10:00:00.000Z,2026-03-10T10:30:00.000Z,30,Public API,https://status.example.com/incidents/INC-4\r\n'
 */
export function renderHistoryCsv(rows: readonly HistoryCsvRow[], publicUrl: string): string {
  return toCsvFile(
    HISTORY_CSV_COLUMNS,
    [...rows].sort(newestFirst).map((r) => {
      const ref = makeRef('incident', r.id);
      return [
        ref,
        r.title,
        IMPACT_BY_SEVERITY[r.severity],
        r.startedAt,
        r.resolvedAt,
        r.resolvedAt ? Math.round((Date.parse(r.resolvedAt) - Date.parse(r.startedAt)) / 60_000) : null,
        r.services.join('; '),
        `${publicUrl}/incidents/${ref}`,
      ];
    }),
  );
}

const sameRow = (a: HistoryCsvRow, b: HistoryCsvRow) => JSON.stringify(a) === JSON.stringify(b);

export type HistoryCsv = {
  /** Forget the rows: the next render reads them all (a publish of everything). */
  reset(): void;
  /** The file when it changed since the last render (the incidents `touched` are read again), else null. */
  render(db: Executor, touched: readonly number[]): Promise<string | null>;
};

/** The publisher's memory of the file's rows. */
export function createHistoryCsv(publicUrl: string): HistoryCsv {
  let rows: Map<number, HistoryCsvRow> | null = null;
  return {
    reset() {
      rows = null;
    },
    async render(db, touched) {
      if (rows === null) {
        rows = new Map((await historyCsvRows(db)).map((r) => [r.id, r]));
        return renderHistoryCsv([...rows.values()], publicUrl);
      }
      if (touched.length === 0) return null;
      const fresh = new Map((await historyCsvRows(db, touched)).map((r) => [r.id, r]));
      let changed = false;
      for (const id of touched) {
        const row = fresh.get(id);
        const old = rows.get(id);
        if (!row) changed = rows.delete(id) || changed;
        else if (!old || !sameRow(old, row)) {
          rows.set(id, row);
          changed = true;
        }
      }
      return changed ? renderHistoryCsv([...rows.values()], publicUrl) : null;
    },
  };
}
