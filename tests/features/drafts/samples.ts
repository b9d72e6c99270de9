/**
 * Alert payloads as their senders document them. Alertmanager's is a version-4 webhook body
 * in the shape prometheus.io/docs/alerting/latest/configuration/#webhook_config lists (a
 * published sample of one firing BlackBox probe); PagerDuty's is the incident event of its
 * "Webhooks Overview" page, with the event type each test needs.
 */
import { createHash, createHmac } from 'node:crypto';

export const alertmanagerSample = () => ({
  receiver: 'sms',
  status: 'firing' as 'firing' | 'resolved',
  alerts: [
    {
      status: 'firing' as 'firing' | 'resolved',
      labels: { alertname: 'ProbeFailure', instance: 'https://server.example.org', job: 'http_checks', monitor: 'master', severity: 'critical' },
      annotations: {
        description: 'Instance https://server.example.org has been down for over 5m. Job: http_checks',
        summary: 'BlackBox Probe Failure: https://server.example.org',
      },
      startsAt: '2023-02-06T13:08:45.828Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0&g0.tab=1',
      fingerprint: '1a30ba71cca2921f',
    },
  ],
  groupLabels: { alertname: 'ProbeFailure' },
  commonLabels: { alertname: 'ProbeFailure', instance: 'https://server.example.org', job: 'http_checks', monitor: 'master', severity: 'critical' },
  commonAnnotations: {
    description: 'Instance https://server.example.org has been down for over 5m. Job: http_checks',
    summary: 'BlackBox Probe Failure: https://server.example.org',
  },
  externalURL: 'http://prometheus.example.org:9093',
  version: '4' as const,
  groupKey: '{}/{severity="critical"}:{alertname="ProbeFailure"}',
  truncatedAlerts: 0,
});

/** The same notification once the group's alerts resolved. */
export const alertmanagerResolved = () => {
  const sample = alertmanagerSample();
  return { ...sample, status: 'resolved' as const, alerts: sample.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: '2023-02-06T13:30:00Z' })) };
};

/**
 * A PagerDuty event of `eventType` that occurred at `occurredAt` (by default a minute before the
 * tests' clock starts); each event has its own id, as PagerDuty gives each one, unless `id` says.
 */
export const pagerDutySample = (eventType = 'incident.triggered', occurredAt = '2026-03-10T11:59:00.000Z', id = eventIdOf(eventType, occurredAt)) => ({
  event: {
    id,
    event_type: eventType,
    resource_type: 'incident',
    occurred_at: occurredAt,
    agent: {
      html_url: 'https://acme.pagerduty.com/users/PLH1HKV',
      id: 'PLH1HKV',
      self: 'https://api.pagerduty.com/users/PLH1HKV',
      summary: 'Tenex Engineer',
      type: 'user_reference',
    },
    client: { name: 'PagerDuty' },
    data: {
      id: 'PGR0VU2',
      type: 'incident',
      self: 'https://api.pagerduty.com/incidents/PGR0VU2',
      html_url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
      number: 2,
      status: 'triggered',
      incident_key: 'd3640fbd41094207a1c11e58e46b1662',
      created_at: '2020-04-09T15:16:27Z',
      title: 'A little bump in the road',
      service: {
        html_url: 'https://acme.pagerduty.com/services/PF9KMXH',
        id: 'PF9KMXH',
        self: 'https://api.pagerduty.com/services/PF9KMXH',
        summary: 'API Service',
        type: 'service_reference',
      },
      assignees: [
        {
          html_url: 'https://acme.pagerduty.com/users/PTUXL6G',
          id: 'PTUXL6G',
          self: 'https://api.pagerduty.com/users/PTUXL6G',
          summary: 'User 123',
          type: 'user_reference',
        },
      ],
      escalation_policy: {
        html_url: 'https://acme.pagerduty.com/escalation_policies/PUS0KTE',
        id: 'PUS0KTE',
        self: 'https://api.pagerduty.com/escalation_policies/PUS0KTE',
        summary: 'Default',
        type: 'escalation_policy_reference',
      },
      teams: [
        {
          html_url: 'https://acme.pagerduty.com/teams/PFCVPS0',
          id: 'PFCVPS0',
          self: 'https://api.pagerduty.com/teams/PFCVPS0',
          summary: 'Engineering',
          type: 'team_reference',
        },
      ],
      priority: {
        html_url: 'https://acme.pagerduty.com/account/incident_priorities',
        id: 'PSO75BM',
        self: 'https://api.pagerduty.com/priorities/PSO75BM',
        summary: 'P1',
        type: 'priority_reference',
      },
      urgency: 'high',
      conference_bridge: { conference_number: '+1 1234123412,,987654321#', conference_url: 'https://example.com' },
      resolve_reason: null,
    },
  },
});

/** PagerDuty's header for `body` signed with each of `secrets` (several while a secret is rotated). */
export const pagerDutyHeader = (body: string, ...secrets: string[]) =>
  secrets.map((secret) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`).join(',');

/** A UUID-shaped id, the same for the same event. */
function eventIdOf(eventType: string, occurredAt: string): string {
  const hex = createHash('sha256').update(`${eventType}@${occurredAt}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
