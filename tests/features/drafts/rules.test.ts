import { describe, expect, it } from 'vitest';
import { Catalogue, readContent } from '../../../api/platform/content.ts';
import { fromAlertmanager, fromPagerDuty, IntakeMapping } from '../../../api/features/drafts/rules.ts';
import { CONTENT_DIR } from '../../support/app.ts';
import { alertmanagerSample, pagerDutySample } from './samples.ts';

const SHIPPED = readContent(CONTENT_DIR, 'intake.json', IntakeMapping);
const CATALOGUE = readContent(CONTENT_DIR, 'services.json', Catalogue);

const withLabels = (labels: Record<string, string>) => {
  const sample = alertmanagerSample();
  const merged = { ...sample.commonLabels, ...labels };
  return { ...sample, commonLabels: merged, alerts: sample.alerts.map((a) => ({ ...a, labels: merged })) };
};

describe('the shipped content/intake.json', () => {
  it('maps only to services of the shipped catalogue', () => {
    const slugs = new Set(CATALOGUE.groups.flatMap((g) => g.services.map((s) => s.slug)));
    const named = Object.values(SHIPPED.services).map((entry) => (typeof entry === 'string' ? entry : entry.service));
    expect(named.filter((slug) => !slugs.has(slug))).toEqual([]);
  });

  it('is refused with the field named when a severity is not P0–P3', () => {
    expect(IntakeMapping.safeParse({ severities: { critical: 'SEV1' } }).success).toBe(false);
  });
});

describe('reading an Alertmanager notification', () => {
  it.each([
    ['critical', 'P1'],
    ['CRITICAL', 'P1'],
    ['warning', 'P2'],
    ['info', 'P3'],
    ['p0', 'P0'],
    ['something-else', 'P2'],
  ])('maps severity %s to %s', (severity, expected) => {
    expect(fromAlertmanager(withLabels({ severity }), SHIPPED).severity).toBe(expected);
  });

  it.each([
    [{ service: 'api' }, ['api']],
    [{ service: 'postgres' }, ['database']],
    [{ job: 'payments' }, ['billing']],
    [{ service: 'search', job: 'payments' }, ['search']],
    [{}, ['http_checks']],
  ])('reads services from %o as %o', (labels, hints) => {
    expect(fromAlertmanager(withLabels(labels), SHIPPED).serviceHints).toEqual(hints);
  });

  it('takes the earliest start as the detection time and the summary as the title', () => {
    const sample = alertmanagerSample();
    const later = { ...sample.alerts[0]!, startsAt: '2023-02-06T14:08:45.828+01:00', fingerprint: 'b' };
    const alert = fromAlertmanager({ ...sample, alerts: [{ ...sample.alerts[0]!, startsAt: '2023-02-06T13:09:00Z' }, later] }, SHIPPED);
    expect(alert.detectedAt).toBe('2023-02-06T13:08:45.828Z');
    expect(alert.title).toBe('BlackBox Probe Failure: https://server.example.org');
    expect(alert.groupKey).toBe(sample.groupKey);
  });
});

describe('reading a PagerDuty webhook', () => {
  it('reads priority P1 as P1, else the urgency', () => {
    expect(fromPagerDuty(pagerDutySample(), SHIPPED)?.severity).toBe('P1');
    const body = pagerDutySample();
    const low = { event: { ...body.event, data: { ...body.event.data, priority: null, urgency: 'low' } } };
    expect(fromPagerDuty(low, SHIPPED)?.severity).toBe('P3');
  });

  it.each([
    ['incident.triggered', 'firing'],
    ['incident.acknowledged', 'acknowledged'],
    ['incident.resolved', 'resolved'],
    ['incident.annotated', null],
    ['service.updated', null],
  ])('reads %s as %s', (type, status) => {
    expect(fromPagerDuty(pagerDutySample(type), SHIPPED)?.status ?? null).toBe(status);
  });
});
