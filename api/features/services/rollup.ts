import { IMPACT_BY_SEVERITY, type ServiceStatus, type Severity } from '../../shared/vocabulary.ts';

/** Statuspage's page-level indicator, worst last. */
const INDICATORS = ['none', 'maintenance', 'minor', 'major', 'critical'] as const;
export type Indicator = (typeof INDICATORS)[number];

export type OverallStatus = { indicator: Indicator; description: string };

const INDICATOR_FOR_SERVICE: Record<ServiceStatus, Indicator> = {
  operational: 'none',
  under_maintenance: 'maintenance',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};

const DESCRIPTION: Record<Indicator, string> = {
  none: 'All Systems Operational',
  maintenance: 'Service Under Maintenance',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major System Outage',
};

const worse = (a: Indicator, b: Indicator): Indicator => (INDICATORS.indexOf(b) > INDICATORS.indexOf(a) ? b : a);

/**
 * The page's overall status: the worst of every service's status and every open incident's
 * impact, so an incident declared before anyone touched a service still shows on the banner.
 *
 * @example overallStatus(['operational', 'partial_outage'], []) // { indicator: 'major', … }
 */
export function overallStatus(serviceStatuses: readonly ServiceStatus[], openSeverities: readonly Severity[]): OverallStatus {
  let indicator: Indicator = 'none';
  for (const status of serviceStatuses) indicator = worse(indicator, INDICATOR_FOR_SERVICE[status]);
  for (const severity of openSeverities) {
    const impact = IMPACT_BY_SEVERITY[severity];
    if (impact !== 'none') indicator = worse(indicator, impact);
  }
  return { indicator, description: DESCRIPTION[indicator] };
}
