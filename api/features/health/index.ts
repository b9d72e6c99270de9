/**
 * The health feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { healthRoutes } from './api.ts';
export { createMetrics, type Metrics } from './registry.ts';
export { metricsRoutes } from './metrics-api.ts';
export { openapiRoute } from './openapi.ts';
export { readScrapeState } from './scrape.ts';
export { deliveryHealthRoutes } from './delivery-api.ts';
