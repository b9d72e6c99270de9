import { describe, expect, it } from 'vitest';
import { overallStatus } from '../../../api/features/services/rollup.ts';
import type { ServiceStatus, Severity } from '../../../api/shared/vocabulary.ts';

describe('overallStatus', () => {
  it.each<[string, ServiceStatus[], Severity[], string, string]>([
    ['all operational', ['operational', 'operational'], [], 'none', 'All Systems Operational'],
    ['no services at all', [], [], 'none', 'All Systems Operational'],
    ['one degraded', ['operational', 'degraded_performance'], [], 'minor', 'Minor Service Outage'],
    ['a partial outage beats degraded', ['degraded_performance', 'partial_outage'], [], 'major', 'Partial System Outage'],
    ['a major outage is critical', ['partial_outage', 'major_outage'], [], 'critical', 'Major System Outage'],
    ['maintenance alone', ['under_maintenance', 'operational'], [], 'maintenance', 'Service Under Maintenance'],
    ['an outage outranks maintenance', ['under_maintenance', 'degraded_performance'], [], 'minor', 'Minor Service Outage'],
    ['an open P0 with every service green is critical', ['operational'], ['P0'], 'critical', 'Major System Outage'],
    ['an open P1 raises to major', ['degraded_performance'], ['P1'], 'major', 'Partial System Outage'],
    ['an open P3 (impact none) changes nothing', ['operational'], ['P3'], 'none', 'All Systems Operational'],
  ])('%s', (_name, services, severities, indicator, description) => {
    expect(overallStatus(services, severities)).toEqual({ indicator, description });
  });
});
