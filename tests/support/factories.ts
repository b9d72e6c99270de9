import type { CreateIncidentInput, CreateMaintenanceInput, PostUpdateInput } from '../../api/shared/schemas.ts';

/** A valid incident declaration; override what the test is about. */
export function makeIncident(overrides: Partial<CreateIncidentInput> = {}): CreateIncidentInput {
  return {
    title: 'Elevated API error rates',
    severity: 'P1',
    status: 'investigating',
    message: 'We are investigating elevated error rates on the API.',
    services: [{ slug: 'api', status: 'partial_outage' }],
    impact: 'Some API requests fail.',
    commander: 'Sam Lee',
    ...overrides,
  };
}

export function makeUpdate(overrides: Partial<PostUpdateInput> = {}): PostUpdateInput {
  return { status: 'mitigating', message: 'A fix is being rolled out.', ...overrides };
}

/** A valid maintenance window, 22:00–00:00 on the test app's start day; override what the test is about. */
export function makeMaintenance(overrides: Partial<CreateMaintenanceInput> = {}): CreateMaintenanceInput {
  return {
    title: 'Database upgrade',
    message: 'We are upgrading the primary database. The API may be briefly read-only.',
    services: ['api', 'database'],
    scheduledFor: '2026-03-10T22:00:00.000Z',
    scheduledUntil: '2026-03-11T00:00:00.000Z',
    ...overrides,
  };
}

type Scheduler = {
  clock: { now(): Date; set(at: string | Date): void };
  call: (method: string, path: string, body?: unknown) => Promise<unknown>;
  herald: { maintenance: { tick(): Promise<string[]> } };
};

/**
 * A window that is already over, as one comes to be: scheduled while it was still ahead (a
 * window that has ended is refused), then run to completion by the transitions job at now.
 */
export async function makePastMaintenance(t: Scheduler, overrides: Partial<CreateMaintenanceInput> = {}): Promise<void> {
  const input = makeMaintenance(overrides);
  const now = t.clock.now();
  t.clock.set(new Date(Date.parse(input.scheduledFor) - 60_000));
  await t.call('POST', '/api/admin/maintenance', input);
  t.clock.set(now);
  await t.herald.maintenance.tick();
}
