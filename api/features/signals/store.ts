/**
 * What is stored of monitoring's answers (migration 0017_signals.sql): the sources the catalogue
 * names, each service's availability by day, each chart's points. Triggers log every change
 * readers could see, so the service's page is published again by whichever process follows.
 */
import type { Db, Executor } from '../../platform/db/client.ts';
import { CHART_SPANS, type ChartSeries, type ChartSpan, type MetricChart, type ServiceSignals, type SignalDay, type SignalSources } from './schemas.ts';

/** Makes the stored sources the catalogue's: new and edited ones written, removed ones (and their charts) deleted. */
export async function replaceSources(db: Db, sources: SignalSources): Promise<void> {
  const rows = [
    ...sources.availability.map((a) => ({ slug: a.slug, kind: 'availability', position: 0, query: a.query, title: '', unit: '' })),
    ...sources.metrics.map((m) => ({ slug: m.slug, kind: 'metric', position: m.position, query: m.query, title: m.title, unit: m.unit })),
  ];
  await db.write(async (tx) => {
    const kept = (await tx.execute('SELECT service_slug, kind, position FROM signal_sources')).rows.map((r) => ({
      slug: String(r.service_slug),
      kind: String(r.kind),
      position: Number(r.position),
    }));
    const wanted = new Set(rows.map((r) => `${r.slug}\u0000${r.kind}\u0000${r.position}`));
    for (const r of kept) {
      if (wanted.has(`${r.slug}\u0000${r.kind}\u0000${r.position}`)) continue;
      await tx.execute({ sql: 'DELETE FROM signal_sources WHERE service_slug = ? AND kind = ? AND position = ?', args: [r.slug, r.kind, r.position] });
      if (r.kind === 'metric') await tx.execute({ sql: 'DELETE FROM signal_series WHERE service_slug = ? AND position = ?', args: [r.slug, r.position] });
    }
    for (const r of rows)
      await tx.execute({
        sql: `INSERT INTO signal_sources (service_slug, kind, position, query, title, unit) VALUES (?, ?, ?, ?, ?, ?)
              ON CONFLICT (service_slug, kind, position) DO UPDATE SET query = excluded.query, title = excluded.title, unit = excluded.unit
              WHERE query IS NOT excluded.query OR title IS NOT excluded.title OR unit IS NOT excluded.unit`,
        args: [r.slug, r.kind, r.position, r.query, r.title, r.unit],
      });
  });
}

/** The days stored for a service, by day: which expression measured them and whether they are final. */
export async function storedDays(db: Executor, slug: string): Promise<Map<string, { query: string; complete: boolean }>> {
  const { rows } = await db.execute({ sql: 'SELECT day, query, complete FROM signal_days WHERE service_slug = ?', args: [slug] });
  return new Map(rows.map((r) => [String(r.day), { query: String(r.query), complete: Number(r.complete) === 1 }]));
}

export async function saveDay(
  db: Db,
  row: { slug: string; day: string; query: string; availability: number | null; samples: number; complete: boolean; fetchedAt: Date },
): Promise<void> {
  await db.write((tx) =>
    tx.execute({
      sql: `INSERT INTO signal_days (service_slug, day, query, availability, samples, complete, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (service_slug, day) DO UPDATE SET query = excluded.query, availability = excluded.availability,
              samples = excluded.samples, complete = excluded.complete, fetched_at = excluded.fetched_at`,
      args: [row.slug, row.day, row.query, row.availability, row.samples, row.complete ? 1 : 0, row.fetchedAt.toISOString()],
    }),
  );
}

/** Days older than the window are not shown again: forgotten. */
export async function pruneDays(db: Db, before: string): Promise<void> {
  await db.write((tx) => tx.execute({ sql: 'DELETE FROM signal_days WHERE day < ?', args: [before] }));
}

export async function saveSeries(db: Db, slug: string, position: number, query: string, series: Omit<ChartSeries, 'failingSince'>): Promise<void> {
  await db.write((tx) =>
    tx.execute({
      sql: `INSERT INTO signal_series (service_slug, position, span, query, start_at, end_at, step_seconds, points, fetched_at, failing_since)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
            ON CONFLICT (service_slug, position, span) DO UPDATE SET query = excluded.query, start_at = excluded.start_at, end_at = excluded.end_at,
              step_seconds = excluded.step_seconds, points = excluded.points, fetched_at = excluded.fetched_at, failing_since = NULL`,
      args: [slug, position, series.span, query, series.start, series.end, series.stepSeconds, JSON.stringify(series.points), series.fetchedAt],
    }),
  );
}

/** Refreshing a chart failed at `at`: its last points stay, marked missing since the first failure. */
export async function markSeriesFailing(db: Db, slug: string, position: number, span: ChartSpan, query: string, at: Date): Promise<void> {
  await db.write((tx) =>
    tx.execute({
      sql: `INSERT INTO signal_series (service_slug, position, span, query, start_at, end_at, step_seconds, points, fetched_at, failing_since)
            VALUES (?, ?, ?, ?, '', '', 0, '[]', '', ?)
            ON CONFLICT (service_slug, position, span) DO UPDATE SET failing_since = coalesce(signal_series.failing_since, excluded.failing_since)`,
      args: [slug, position, span, query, at.toISOString()],
    }),
  );
}

/**
 * What every page shows of monitoring, by service slug: the stored days since `since` (YYYY-MM-DD)
 * measured by the service's current expression, and its charts in the catalogue's order.
 */
export async function loadSignals(db: Executor, since: string): Promise<Map<string, ServiceSignals>> {
  const [sources, days, series] = await Promise.all([
    db.execute('SELECT service_slug, kind, position, query, title, unit FROM signal_sources ORDER BY service_slug, kind, position'),
    db.execute({
      sql: `SELECT d.service_slug, d.day, d.availability, d.samples FROM signal_days d
              JOIN signal_sources s ON s.service_slug = d.service_slug AND s.kind = 'availability' AND s.query = d.query
            WHERE d.day >= ? ORDER BY d.service_slug, d.day`,
      args: [since],
    }),
    db.execute(`SELECT x.service_slug, x.position, x.span, x.start_at, x.end_at, x.step_seconds, x.points, x.fetched_at, x.failing_since FROM signal_series x
                  JOIN signal_sources s ON s.service_slug = x.service_slug AND s.kind = 'metric' AND s.position = x.position AND s.query = x.query`),
  ]);
  const bySlug = new Map<string, ServiceSignals>();
  const of = (slug: string) => bySlug.get(slug) ?? bySlug.set(slug, { availability: null, charts: [] }).get(slug)!;
  const charts = new Map<string, MetricChart>();
  for (const r of sources.rows) {
    const signals = of(String(r.service_slug));
    if (r.kind === 'availability') signals.availability = { days: [] };
    else {
      const chart: MetricChart = { position: Number(r.position), title: String(r.title), unit: String(r.unit), spans: [] };
      signals.charts.push(chart);
      charts.set(`${r.service_slug}\u0000${r.position}`, chart);
    }
  }
  for (const r of days.rows)
    bySlug.get(String(r.service_slug))?.availability?.days.push({
      day: String(r.day),
      availability: r.availability === null ? null : Number(r.availability),
      samples: Number(r.samples),
    } satisfies SignalDay);
  for (const r of series.rows)
    charts.get(`${r.service_slug}\u0000${r.position}`)?.spans.push({
      span: String(r.span) as ChartSpan,
      start: String(r.start_at),
      end: String(r.end_at),
      stepSeconds: Number(r.step_seconds),
      points: JSON.parse(String(r.points)) as [number, number][],
      fetchedAt: String(r.fetched_at),
      failingSince: r.failing_since === null ? null : String(r.failing_since),
    });
  // Shortest span first, as CHART_SPANS lists them.
  const order = CHART_SPANS.map((s) => s.span as ChartSpan);
  for (const chart of charts.values()) chart.spans.sort((a, b) => order.indexOf(a.span) - order.indexOf(b.span));
  return bySlug;
}
