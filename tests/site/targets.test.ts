import { describe, expect, it } from 'vitest';
import { monthPageView, monthPath, pagesIn } from '../../api/site/history.ts';
import { ALWAYS, planTargets, type PlanInput } from '../../api/site/targets.ts';

const plan = (overrides: Partial<PlanInput>) =>
  planTargets({ changes: [], requested: [], placements: [], openIncidents: [], liveMaintenances: [], serviceIds: [1, 2, 3], overallChanged: false, ...overrides });
const incidentChange = (id: number, serviceId: number | null = null) => ({ seq: 1, entity: 'incident' as const, id, serviceId });

describe('what a publish re-renders', () => {
  it('re-renders the pages (and feeds) of the services a changed window affects, and no other', () => {
    const targets = plan({ changes: [{ seq: 1, entity: 'maintenance', id: 5, serviceId: null }], maintenanceServices: new Map([[5, [1, 3]]]) });
    expect([...targets].filter((x) => x.startsWith('service:')).sort()).toEqual(['service:1', 'service:3']);
    expect(targets).toContain('maintenance:5');
  });

  it('re-renders only the live pages when nothing was written', () => {
    expect([...plan({})].sort()).toEqual([...ALWAYS].sort());
  });

  it('re-renders every open incident and current window, which show the status now', () => {
    const targets = plan({ openIncidents: [7, 9], liveMaintenances: [2] });
    expect(targets).toContain('incident:7');
    expect(targets).toContain('incident:9');
    expect(targets).toContain('maintenance:2');
  });

  it('re-renders a changed incident with its month and its services’ pages and months', () => {
    const targets = plan({ changes: [incidentChange(4)], placements: [{ id: 4, month: '2025-03', open: false, serviceIds: [2] }] });
    expect([...targets].filter((t) => !ALWAYS.includes(t)).sort()).toEqual(['incident:4', 'month:0:2025-03:4', 'month:2:2025-03:4', 'service:2']);
  });

  it('re-renders the pages of a service an incident no longer names', () => {
    const targets = plan({ changes: [incidentChange(4, 3)], placements: [{ id: 4, month: '2025-03', open: true, serviceIds: [2] }] });
    expect(targets).toContain('service:3');
    expect(targets).toContain('month:3:2025-03:4');
  });

  it('leaves other incidents, months and services alone', () => {
    const targets = plan({ changes: [incidentChange(4)], placements: [{ id: 4, month: '2025-03', open: false, serviceIds: [2] }] });
    expect([...targets].some((t) => t === 'service:1' || t === 'service:3' || t.startsWith('month:0:2025-02'))).toBe(false);
  });

  it('re-renders every service page and the not-found page when the overall status changes', () => {
    const targets = plan({ overallChanged: true });
    for (const id of [1, 2, 3]) expect(targets).toContain(`service:${id}`);
    expect(targets).toContain('404');
    expect(plan({})).not.toContain('404');
  });

  it('re-renders the pages of services whose uptime bars moved, and only those', () => {
    const targets = plan({ uptimeChanged: [1, 3] });
    expect([...targets].filter((t) => t.startsWith('service:')).sort()).toEqual(['service:1', 'service:3']);
    expect(targets).not.toContain('404');
  });

  it('re-renders a service whose status was set, and a window that changed', () => {
    const targets = plan({ changes: [{ seq: 2, entity: 'service', id: 1, serviceId: null }, { seq: 3, entity: 'maintenance', id: 5, serviceId: null }] });
    expect(targets).toContain('service:1');
    expect(targets).toContain('maintenance:5');
  });
});

describe('paged history', () => {
  it.each([
    [null, '2026-11', 1, '/history/2026/11'],
    [null, '2026-11', 2, '/history/2026/11/2'],
    ['api', '2025-01', 1, '/services/api/history/2025/01'],
    ['api', '2025-01', 3, '/services/api/history/2025/01/3'],
  ] as const)('puts %s %s page %i at %s', (slug, month, page, path) => {
    expect(monthPath(slug, month, page)).toBe(path);
  });

  it.each([
    [0, 1],
    [1, 1],
    [100, 1],
    [101, 2],
    [250, 3],
  ])('splits a month of %i incidents into %i pages', (count, pages) => {
    expect(pagesIn(count)).toBe(pages);
  });

  it('links a month to the newer and older months that had incidents', () => {
    const months = [
      { month: '2026-11', incidents: 3 },
      { month: '2026-08', incidents: 1 },
      { month: '2025-12', incidents: 2 },
    ];
    const view = monthPageView({ scope: null, month: '2026-08', page: 1, count: 1, incidents: [], months });
    expect(view.newer?.href).toBe('/history/2026/11');
    expect(view.older?.href).toBe('/history/2025/12');
    expect(view.label).toBe('August 2026');
  });
});
