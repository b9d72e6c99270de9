/**
 * The signals feature's shapes: what the catalogue asks monitoring for (sources), what is stored
 * of the answers (days, chart series), and what a page is rendered from.
 */

/** A service's availability expression (content/services.json `availability`): 1 while up, 0 while down. */
export type AvailabilitySource = { slug: string; query: string };

/** One of a service's public charts (content/services.json `metrics`), in its list's order. */
export type MetricSource = { slug: string; position: number; title: string; query: string; unit: string };

export type SignalSources = { availability: AvailabilitySource[]; metrics: MetricSource[] };

/** The spans each metric is charted over, and the step between its points (~100–300 points each). */
export const CHART_SPANS = [
  { span: '24h', seconds: 86_400, stepSeconds: 300 },
  { span: '7d', seconds: 7 * 86_400, stepSeconds: 3_600 },
  { span: '30d', seconds: 30 * 86_400, stepSeconds: 4 * 3_600 },
] as const;
export type ChartSpan = (typeof CHART_SPANS)[number]['span'];

/** A service's availability over one UTC day, as stored. */
export type SignalDay = {
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** The day's average, 0–1; null when monitoring had no data that day. */
  availability: number | null;
  /** Points Prometheus evaluated with data: what weighs the day in the figure (0: no data). */
  samples: number;
};

/** A chart's points over one span, as last fetched. */
export type ChartSeries = {
  span: ChartSpan;
  /** ISO times of the query_range asked. */
  start: string;
  end: string;
  stepSeconds: number;
  /** [unix seconds, value], oldest first. */
  points: [number, number][];
  /** When these points were fetched. */
  fetchedAt: string;
  /** Set while refreshing fails: the points are the last received, and newer ones are missing since `fetchedAt`. */
  failingSince: string | null;
};

export type MetricChart = { position: number; title: string; unit: string; spans: ChartSeries[] };

/** What a service's page shows of monitoring. */
export type ServiceSignals = {
  /** Present when the service names an `availability` expression: its stored days. */
  availability: { days: SignalDay[] } | null;
  charts: MetricChart[];
};

/** How the connection to Prometheus stands, for /healthz. */
export type SignalsStatus = {
  state: 'ok' | 'failing';
  /** The query API's origin (never its credentials). */
  source: string;
  /** Since when queries fail, and the last error. */
  since: string | null;
  error: string | null;
  lastSuccessAt: string | null;
};
