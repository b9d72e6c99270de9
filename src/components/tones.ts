import type { Indicator } from '../../api/features/services/index.ts';
import type { IncidentStatus, ServiceStatus, Severity } from '../../api/shared/vocabulary.ts';
import type { DisplayStatus } from '../../api/features/upstreams/index.ts';

export type Tone = 'ok' | 'maintenance' | 'minor' | 'major' | 'critical';

export const SERVICE_TONE: Record<ServiceStatus, Tone> = {
  operational: 'ok',
  under_maintenance: 'maintenance',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};

/** A service as the page shows it: unknown (its provider cannot be read) is drawn as a bar, like "no data", and says so in words. */
export const DISPLAY_TONE: Record<DisplayStatus, Tone> = { ...SERVICE_TONE, unknown: 'minor' };

export const INDICATOR_TONE: Record<Indicator, Tone> = {
  none: 'ok',
  maintenance: 'maintenance',
  minor: 'minor',
  major: 'major',
  critical: 'critical',
};

export const SEVERITY_TONE: Record<Severity, Tone> = { P0: 'critical', P1: 'major', P2: 'minor', P3: 'minor' };

export const incidentTone = (status: IncidentStatus, severity: Severity): Tone => (status === 'resolved' ? 'ok' : SEVERITY_TONE[severity]);

type PathAttributes = Record<string, string>;

/**
 * Each tone's icon, drawn in a 16×16 box in the current colour: a tick, a clock hand, a bar, a
 * triangle, a cross — a status told by shape as well as colour. Used by StatusIcon.astro inline
 * and by StatusSymbols.astro once per page for a page of many icons.
 */
export const ICON_PATHS: Record<Tone, PathAttributes> = {
  ok: { d: 'M3.5 8.5l3 3 6-7', fill: 'none', stroke: 'currentColor', 'stroke-width': '2.2', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' },
  maintenance: { d: 'M8 2.5v5.5l3.5 2', fill: 'none', stroke: 'currentColor', 'stroke-width': '2', 'stroke-linecap': 'round' },
  minor: { d: 'M8 3v6M8 12v.5', stroke: 'currentColor', 'stroke-width': '2.4', 'stroke-linecap': 'round' },
  major: {
    d: 'M8 1.8L14.6 13.8H1.4z M8 6v3.5 M8 11.6v.2',
    fill: 'none',
    stroke: 'currentColor',
    'stroke-width': '1.8',
    'stroke-linejoin': 'round',
    'stroke-linecap': 'round',
  },
  critical: { d: 'M4 4l8 8M12 4l-8 8', stroke: 'currentColor', 'stroke-width': '2.4', 'stroke-linecap': 'round' },
};

/** The id of a tone's symbol on a page that defines them (StatusSymbols.astro). */
export const iconSymbolId = (tone: Tone): string => `icon-${tone}`;
