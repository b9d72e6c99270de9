import { describe, expect, it } from 'vitest';
import { monthPageView, monthPath, pagesIn } from '../../api/site/history.ts';
import { ALWAYS, changedTargets, targetForPath, targetKey, type ChangedTargetsInput } from '../../api/site/targets.ts';

const changed = (overrides: Partial<ChangedTargetsInput>) =>
  changedTargets({
    changes: [],
    requested: [],
    placements: [],
    openIncidents: [],
    liveMaintenances: [],
    serviceIds: [1, 2, 3],
    overallChanged: false,
    ...overrides,
  });
const incidentChange = (id: number, serviceId: number | null = null) => ({ seq: 1, entity: 'incident' as const, id, serviceId });
const alwaysKeys = ALWAYS.map(targetKey);

describe('what a publish re-renders', () => {
  it('re-renders the pages (and feeds) of the services a changed window affects, and no other', () => {
    const targets = changed({ changes: [{ seq: 1, entity: 'maintenance', id: 5, serviceId: null }], maintenanceServices: new Map([[5, [1, 3]]]) });
    expect([...targets].filter((t) => t.kind === 'service')).toEqual([
      { kind: 'service', id: 1 },
      { kind: 'service', id: 3 },
    ]);
    expect(targets.has({ kind: 'maintenance', id: 5 })).toBe(true);
  });

  it('re-renders only the live pages when nothing was written', () => {
    expect(changed({}).keys()).toEqual([...alwaysKeys].sort());
  });

  it('re-renders every open incident and current window, which show the status now', () => {
    const targets = changed({ openIncidents: [7, 9], liveMaintenances: [2] });
    expect(targets.has({ kind: 'incident', id: 7 })).toBe(true);
    expect(targets.has({ kind: 'incident', id: 9 })).toBe(true);
    expect(targets.has({ kind: 'maintenance', id: 2 })).toBe(true);
  });

  it('re-renders a changed incident with its month and its services’ pages and months', () => {
    const targets = changed({ changes: [incidentChange(4)], placements: [{ id: 4, month: '2025-03', open: false, serviceIds: [2] }] });
    expect(targets.keys().filter((key) => !alwaysKeys.includes(key))).toEqual(['incident:4', 'month:0:2025-03:4', 'month:2:2025-03:4', 'service:2']);
    expect(targets.has({ kind: 'month', serviceId: 2, month: '2025-03', incidentId: 4 })).toBe(true);
  });

  it('re-renders the pages of a service an incident no longer names', () => {
    const targets = changed({ changes: [incidentChange(4, 3)], placements: [{ id: 4, month: '2025-03', open: true, serviceIds: [2] }] });
    expect(targets.has({ kind: 'service', id: 3 })).toBe(true);
    expect(targets.has({ kind: 'month', serviceId: 3, month: '2025-03', incidentId: 4 })).toBe(true);
  });

  it('leaves other incidents, months and services alone', () => {
    const targets = changed({ changes: [incidentChange(4)], placements: [{ id: 4, month: '2025-03', open: false, serviceIds: [2] }] });
    expect([...targets].some((t) => (t.kind === 'service' && t.id !== 2) || (t.kind === 'month' && t.month !== '2025-03'))).toBe(false);
  });

  it('re-renders every service page and the not-found page when the overall status changes', () => {
    const targets = changed({ overallChanged: true });
    for (const id of [1, 2, 3]) expect(targets.has({ kind: 'service', id })).toBe(true);
    expect(targets.has({ kind: '404' })).toBe(true);
    expect(changed({}).has({ kind: '404' })).toBe(false);
  });

  it('re-renders the pages of services whose uptime bars moved, and only those', () => {
    const targets = changed({ uptimeChanged: [1, 3] });
    expect(targets.keys().filter((key) => key.startsWith('service:'))).toEqual(['service:1', 'service:3']);
    expect(targets.has({ kind: '404' })).toBe(false);
  });

  it('re-renders a service whose status was set, and a window that changed', () => {
    const targets = changed({
      changes: [
        { seq: 2, entity: 'service', id: 1, serviceId: null },
        { seq: 3, entity: 'maintenance', id: 5, serviceId: null },
      ],
    });
    expect(targets.has({ kind: 'service', id: 1 })).toBe(true);
    expect(targets.has({ kind: 'maintenance', id: 5 })).toBe(true);
  });

  it('holds each target once, however often it is added', () => {
    const targets = changed({
      openIncidents: [4],
      requested: [4],
      changes: [incidentChange(4)],
      placements: [{ id: 4, month: '2025-03', open: true, serviceIds: [2] }],
    });
    expect(targets.keys().filter((key) => key === 'incident:4')).toHaveLength(1);
  });
});

describe('the archive page a path names', () => {
  const serviceIdOf = (slug: string) => (slug === 'api' ? 3 : null);
  it.each([
    ['/incidents/INC-42', { kind: 'incident', id: 42 }],
    ['/maintenance/MNT-7', { kind: 'maintenance', id: 7 }],
    ['/history/2026/11', { kind: 'month', serviceId: 0, month: '2026-11' }],
    ['/history/2026/11/2', { kind: 'month', serviceId: 0, month: '2026-11' }],
    ['/services/api/history/2025/01/3', { kind: 'month', serviceId: 3, month: '2025-01' }],
  ])('renders %s as %j', (path, target) => {
    expect(targetForPath(path, serviceIdOf)).toEqual(target);
  });

  it.each([
    '/',
    '/history',
    '/services/api',
    '/incidents/MNT-7',
    '/incidents/INC-0',
    '/incidents/INC-4/x',
    '/history/2026/13',
    '/services/nope/history/2026/11',
    '/feed.xml',
  ])('names nothing to render at %s', (path) => {
    expect(targetForPath(path, serviceIdOf)).toBeNull();
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
