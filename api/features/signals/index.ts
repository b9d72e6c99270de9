/**
 * The signals feature's one door: availability and metric charts measured by Prometheus
 * (docs/signals.md). Import from here, never from a file inside the folder.
 */
export { CHARTS_EVERY_MS, createSignalsJob, DROP_AFTER_MS, type QueryKind, SIGNALS_EVERY_MS, type SignalsJob, type SignalsJobOptions } from './job.ts';
export { createPrometheusClient, type PrometheusClient, QueryRefusedError } from './prometheus.ts';
export { readSignals } from './queries.ts';
export { availabilityQueries, chartGeometry, measuredLevel, measuredUptime, sourcesFromCatalogue } from './rules.ts';
export { CHART_SPANS, type ChartSeries, type ChartSpan, type MetricChart, type ServiceSignals, type SignalDay, type SignalsStatus } from './schemas.ts';
export { setupSignals, type SetupSignalsOptions } from './setup.ts';
