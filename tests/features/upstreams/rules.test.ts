import { describe, expect, it } from 'vitest';
import {
  displayStatus,
  findIncident,
  incidentsUrl,
  mirroredStatus,
  nextDelay,
  nextState,
  readComponent,
  statuspageStatus,
  UNREADABLE_AFTER,
  type UpstreamState,
} from '../../../api/features/upstreams/index.ts';

const now = new Date('2026-03-10T12:00:00.000Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const doc = (components: unknown[]) => JSON.stringify({ page: { id: 'p' }, components });
const known = (overrides: Partial<UpstreamState> = {}): UpstreamState => ({
  upstreamStatus: 'operational',
  known: true,
  failures: 0,
  lastError: null,
  lastReadAt: now.toISOString(),
  checkedAt: now.toISOString(),
  unreadableSince: null,
  incident: null,
  ...overrides,
});
const never: UpstreamState = { ...known(), upstreamStatus: null, known: false, lastReadAt: null, checkedAt: null };

describe("reading a provider's components.json", () => {
  const components = [
    { id: 'grp1', name: 'Payments', status: 'partial_outage', group: true },
    { id: 'k1x9', name: 'Card payments', status: 'major_outage' },
    { id: 'Card payments', name: 'Other', status: 'operational' },
  ];

  it.each([
    ['k1x9', 'major_outage', 'Card payments', 'k1x9'],
    ['Card payments', 'operational', 'Other', 'Card payments'],
    ['  CARD PAYMENTS ', 'major_outage', 'Card payments', 'k1x9'],
    ['Payments', 'partial_outage', 'Payments', 'grp1'],
  ])('finds %j by id first, then by name ignoring case: %s', (component, status, name, id) => {
    expect(readComponent(doc(components), component)).toEqual({ kind: 'read', status, name, id });
  });

  it.each([
    ['not json', 'Card payments', 'not JSON'],
    [JSON.stringify({ status: { indicator: 'none' } }), 'Card payments', 'no "components" list'],
    [doc(components), 'Refunds', 'no component "Refunds" among its 3'],
    [doc([{ id: 'a', name: 'Card payments', status: 'on_fire' }]), 'Card payments', 'not a Statuspage status'],
  ])('fails a read that is not a known component, saying why (%#)', (body, component, why) => {
    const reading = readComponent(body, component);
    expect(reading.kind).toBe('failed');
    expect(reading.kind === 'failed' && reading.error).toContain(why);
  });
});

describe('what one poll does to what Herald knows', () => {
  it('knows the status after a good read, and forgets past failures', () => {
    const state = nextState(
      known({ failures: 2, lastError: 'timeout', unreadableSince: now.toISOString() }),
      { kind: 'read', status: 'major_outage', name: 'API', id: 'a1' },
      later(60),
    );
    expect(state).toEqual(known({ upstreamStatus: 'major_outage', lastReadAt: later(60).toISOString(), checkedAt: later(60).toISOString() }));
  });

  it(`keeps the status through ${UNREADABLE_AFTER - 1} failed reads in a row and calls it unknown at the ${UNREADABLE_AFTER}th`, () => {
    let state = known();
    const seen: boolean[] = [];
    for (let poll = 1; poll <= UNREADABLE_AFTER + 1; poll++) {
      state = nextState(state, { kind: 'failed', error: 'connect ECONNREFUSED' }, later(60 * poll));
      seen.push(state.known);
    }
    expect(seen).toEqual([true, true, false, false]);
    expect(state.upstreamStatus).toBe('operational');
    expect(state.unreadableSince).toBe(later(60).toISOString());
    expect(state.lastError).toBe('connect ECONNREFUSED');
  });

  it('treats 304 Not Modified as a good read of the status last read, and as a failure before any', () => {
    expect(nextState(known({ upstreamStatus: 'partial_outage', failures: 1 }), { kind: 'not-modified' }, later(60))).toMatchObject({
      known: true,
      upstreamStatus: 'partial_outage',
      failures: 0,
    });
    expect(nextState(never, { kind: 'not-modified' }, later(60))).toMatchObject({ known: false, failures: 1 });
  });

  it('never knows a status before the first good read', () => {
    expect(nextState(never, { kind: 'failed', error: 'HTTP 500' }, now).known).toBe(false);
  });
});

describe('when to read again', () => {
  it.each([
    [0, undefined, 60_000],
    [2, undefined, 60_000],
    [3, undefined, 120_000],
    [4, undefined, 240_000],
    [8, undefined, 600_000],
    [20, undefined, 600_000],
    [1, 300_000, 300_000],
    [1, 86_400_000, 3_600_000],
  ])('after %i failures (Retry-After %s ms) waits %i ms at a 60 s poll', (failures, retryAfter, delay) => {
    expect(nextDelay(60_000, failures, retryAfter)).toBe(delay);
  });

  it('never backs off to less than the poll interval itself', () => {
    expect(nextDelay(3_600_000, 10)).toBe(3_600_000);
  });
});

describe("whether the service's status follows its provider", () => {
  const base = { followStatus: true, state: known({ upstreamStatus: 'major_outage' }), current: 'operational' as const, openIncidents: 0 };

  it('follows a known change', () => {
    expect(mirroredStatus(base)).toBe('major_outage');
  });

  it.each([
    ['an open incident names the service (a person holds its status)', { openIncidents: 1 }],
    ['the service only shows its provider (followStatus false)', { followStatus: false }],
    ['the provider cannot be read', { state: known({ upstreamStatus: 'major_outage', known: false, failures: 3 }) }],
    ['the status is the same already', { current: 'major_outage' as const }],
  ])('leaves it when %s', (_, overrides) => {
    expect(mirroredStatus({ ...base, ...overrides })).toBeNull();
  });
});

describe('what readers are shown', () => {
  it('shows unknown, not the last status, while the provider cannot be read', () => {
    expect(displayStatus('operational', { known: false })).toBe('unknown');
    expect(displayStatus('partial_outage', { known: true })).toBe('partial_outage');
    expect(displayStatus('operational', undefined)).toBe('operational');
  });

  it.each([
    ['operational', 'degraded_performance'],
    ['under_maintenance', 'degraded_performance'],
    ['degraded_performance', 'degraded_performance'],
    ['partial_outage', 'partial_outage'],
    ['major_outage', 'major_outage'],
  ] as const)('tells Statuspage clients %s as %s while unknown', (last, told) => {
    expect(statuspageStatus(last, { known: false })).toBe(told);
    expect(statuspageStatus(last, { known: true })).toBe(last);
  });
});

describe("linking the provider's incident", () => {
  const incidents = (list: unknown[]) => JSON.stringify({ page: { id: 'p' }, incidents: list });
  const open = { name: 'Card declines', status: 'identified', shortlink: 'https://stspg.io/abc', components: [{ id: 'k1x9', name: 'Card payments' }] };

  it('finds the open incident that names the component by id', () => {
    expect(findIncident(incidents([{ ...open, components: [{ id: 'other', name: 'Other' }] }, open]), 'k1x9')).toEqual({
      name: 'Card declines',
      url: 'https://stspg.io/abc',
    });
  });

  it.each([
    ['no incident names it', incidents([{ ...open, components: [] }])],
    ['it is resolved', incidents([{ ...open, status: 'resolved' }])],
    ['its link is not a web link', incidents([{ ...open, shortlink: 'javascript:alert(1)' }])],
    ['it has no link', incidents([{ ...open, shortlink: null }])],
    ['the document is not JSON', '<html>'],
  ])('links none when %s', (_, body) => {
    expect(findIncident(body, 'k1x9')).toBeNull();
  });

  it('looks for incidents beside the components.json or summary.json declared, and nowhere else', () => {
    expect(incidentsUrl('https://status.payco.example/api/v2/components.json')).toBe('https://status.payco.example/api/v2/incidents/unresolved.json');
    expect(incidentsUrl('https://status.payco.example/api/v2/summary.json')).toBe('https://status.payco.example/api/v2/incidents/unresolved.json');
    expect(incidentsUrl('https://status.payco.example/status.json')).toBeNull();
  });

  it('keeps the incident through a 304 and drops it when a read has none', () => {
    const incident = { name: 'Card declines', url: 'https://stspg.io/abc' };
    const withIncident = known({ upstreamStatus: 'major_outage', incident });
    expect(nextState(withIncident, { kind: 'not-modified' }, later(60)).incident).toEqual(incident);
    expect(nextState(withIncident, { kind: 'read', status: 'operational', name: 'API', id: 'a1' }, later(60)).incident).toBeNull();
  });
});
