/**
 * The upstreams feature's shapes: a provider as the catalogue names it, what Herald last read of
 * it, the page's view of it, and the part of a Statuspage `components.json` Herald reads.
 */
import { z } from 'zod';
import type { UpstreamSource } from '../../platform/content.ts';
import { ServiceStatus } from '../../shared/vocabulary.ts';

export type { UpstreamSource };

/** A catalogue service with an `upstream`, and how the page names its provider. */
export type UpstreamDeclaration = { slug: string; source: UpstreamSource; provider: string };

/** What Herald knows of one provider's component (a row of upstream_states). */
export type UpstreamState = {
  /** The component's status at the last good read; null before any. */
  upstreamStatus: ServiceStatus | null;
  /** False once the provider could not be read for UNREADABLE_AFTER polls in a row, or before any good read. */
  known: boolean;
  /** Failed reads in a row. */
  failures: number;
  lastError: string | null;
  lastReadAt: string | null;
  checkedAt: string | null;
  /** The first failed read of the current run of failures. */
  unreadableSince: string | null;
  /** The provider's open incident naming the component, at the last good read. */
  incident: UpstreamIncident | null;
};

/** A provider's incident as the page links it. */
export type UpstreamIncident = { name: string; url: string };

/** One poll's outcome: the component's status, "unchanged since the last read" (304), or why it could not be read. */
export type Reading =
  | { kind: 'read'; status: ServiceStatus; name: string; id: string; incident?: UpstreamIncident | null }
  | { kind: 'not-modified' }
  | { kind: 'failed'; error: string; retryAfterMs?: number };

/** What the page and the JSON show of a service's provider. */
export type UpstreamView = {
  provider: string;
  /** The provider's status page (the components.json URL without /api/v2/components.json). */
  pageUrl: string;
  url: string;
  component: string;
  followStatus: boolean;
  known: boolean;
  upstreamStatus: ServiceStatus | null;
  lastReadAt: string | null;
  unreadableSince: string | null;
  lastError: string | null;
  incident: UpstreamIncident | null;
};

/** A service's status as the page shows it: one of the five, or `unknown` while its provider cannot be read. */
export type DisplayStatus = ServiceStatus | 'unknown';

/** The part of a Statuspage `components.json` (or `summary.json`) Herald reads; other fields are ignored. */
export const StatuspageComponentsDocument = z.object({
  components: z.array(z.object({ id: z.string(), name: z.string(), status: z.string(), group: z.boolean().optional() }).loose()),
});
export type StatuspageComponentsDocument = z.infer<typeof StatuspageComponentsDocument>;

/** The part of a Statuspage `incidents/unresolved.json` Herald reads: each open incident, its link and its components. */
export const StatuspageIncidentsDocument = z.object({
  incidents: z.array(
    z
      .object({
        name: z.string(),
        shortlink: z.string().nullish(),
        status: z.string(),
        components: z.array(z.object({ id: z.string(), name: z.string() }).loose()).default([]),
      })
      .loose(),
  ),
});

export { ServiceStatus };
