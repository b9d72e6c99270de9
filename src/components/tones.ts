import type { Indicator } from '../../api/domain/rollup.ts';
import type { IncidentStatus, ServiceStatus, Severity } from '../../api/domain/vocabulary.ts';

export type Tone = 'ok' | 'maintenance' | 'minor' | 'major' | 'critical';

export const SERVICE_TONE: Record<ServiceStatus, Tone> = {
  operational: 'ok',
  under_maintenance: 'maintenance',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};

export const INDICATOR_TONE: Record<Indicator, Tone> = {
  none: 'ok',
  maintenance: 'maintenance',
  minor: 'minor',
  major: 'major',
  critical: 'critical',
};

export const SEVERITY_TONE: Record<Severity, Tone> = { P0: 'critical', P1: 'major', P2: 'minor', P3: 'minor' };

export const incidentTone = (status: IncidentStatus, severity: Severity): Tone => (status === 'resolved' ? 'ok' : SEVERITY_TONE[severity]);
