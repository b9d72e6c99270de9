import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { planWindow } from '../../../api/features/health/scrape.ts';
import { makeTestApp } from '../../support/app.ts';
import { makeIncident, makeUpdate } from '../../support/factories.ts';

const MINUTE = 60_000;

async function scrape(app: { request(path: string): Response | Promise<Response> }) {
  const families = parsePrometheusTextFormat(await (await app.request('/metrics')).text());
  return (name: string, labels: Record<string, string> = {}) => {
    const family = families.find((f) => f.name === name);
    const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => (m as { labels?: Record<string, string> }).labels?.[k] === v));
    return sample && 'value' in sample ? Number(sample.value) : undefined;
  };
}

describe('the plan gauges on /metrics', () => {
  it('covers the last 30 UTC days, today included', () => {
    expect(planWindow(new Date('2026-03-10T23:59:59.000Z'))).toEqual({ from: '2026-02-09', to: '2026-03-10' });
  });

  it('report the same MTTA, MTTR and cadence as the report, and leave unmeasured figures absent', async () => {
    const t = await makeTestApp({ start: '2026-03-10T12:00:00.000Z' });
    await t.call('POST', '/api/admin/incidents', makeIncident({ severity: 'P0', detectedAt: '2026-03-10T11:57:00Z' }));
    t.clock.advance(MINUTE);
    await t.call('POST', '/api/admin/incidents/INC-1/acknowledge');
    t.clock.advance(40 * MINUTE); // promised 12:30, so this update is late
    await t.call('POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' }));

    const read = await scrape(t.app);
    expect(read('herald_plan_incidents', { severity: 'P0' })).toBe(1);
    expect(read('herald_plan_incidents', { severity: 'P2' })).toBe(0);
    expect(read('herald_plan_mtta_seconds', { severity: 'P0', stat: 'mean' })).toBe(240);
    expect(read('herald_plan_mttr_seconds', { severity: 'P0', stat: 'p90' })).toBe(44 * 60);
    expect(read('herald_plan_mtta_seconds', { severity: 'P1', stat: 'mean' })).toBeUndefined();
    expect(read('herald_plan_updates', { outcome: 'due' })).toBe(1);
    expect(read('herald_plan_updates', { outcome: 'on_time' })).toBe(0);
    expect(read('herald_plan_postmortems', { outcome: 'missing' })).toBe(0);
    expect(read('herald_plan_action_item_completion_ratio')).toBeUndefined();

    const report = (await t.call('GET', '/api/admin/reports/plan?from=2026-02-09&to=2026-03-10')).json;
    expect(report.bySeverity.P0.mttaSeconds.mean).toBe(240);

    t.clock.set('2026-03-12T12:41:00.001Z'); // the postmortem's 48 hours are up
    expect((await scrape(t.app))('herald_plan_postmortems', { outcome: 'missing' })).toBe(1);
  });
});
