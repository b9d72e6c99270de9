import type { CreateIncidentInput, PostUpdateInput } from '../../api/domain/schemas.ts';

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
