import { describe, expect, it } from 'vitest';
import { autoDecision, nextProposal } from '../../../api/features/proposals/index.ts';
import { alertmanagerSignals, IntakeMapping } from '../../../api/features/drafts/rules.ts';
import { alertmanagerPost } from './alerts.ts';

const calm = { current: 'operational', othersFiring: false } as const;
const degraded = { current: 'degraded_performance', othersFiring: false } as const;
const fire = { firing: true, status: 'degraded_performance' } as const;
const resolve = { firing: false, status: 'operational' } as const;

describe('what a signal does to its proposal', () => {
  it.each([
    ['a first firing opens it', null, fire, calm, { firing: true, status: 'degraded_performance', state: 'open' }],
    [
      'firing again keeps it open, with the status now proposed',
      { firing: true, status: 'degraded_performance', state: 'open' },
      { firing: true, status: 'major_outage' },
      calm,
      { firing: true, status: 'major_outage', state: 'open' },
    ],
    [
      'firing again leaves an applied one applied',
      { firing: true, status: 'degraded_performance', state: 'applied' },
      fire,
      degraded,
      { firing: true, status: 'degraded_performance', state: 'applied' },
    ],
    [
      'a worse status reopens an applied one',
      { firing: true, status: 'degraded_performance', state: 'applied' },
      { firing: true, status: 'major_outage' },
      degraded,
      { firing: true, status: 'major_outage', state: 'open' },
    ],
    [
      'firing again leaves a dismissed one dismissed',
      { firing: true, status: 'degraded_performance', state: 'dismissed' },
      fire,
      calm,
      { firing: true, status: 'degraded_performance', state: 'dismissed' },
    ],
    [
      'firing after it resolved opens it anew',
      { firing: false, status: 'operational', state: 'closed' },
      fire,
      calm,
      { firing: true, status: 'degraded_performance', state: 'open' },
    ],
    [
      'a resolution of an untouched one closes it',
      { firing: true, status: 'degraded_performance', state: 'open' },
      resolve,
      calm,
      { firing: false, status: 'operational', state: 'closed' },
    ],
    [
      'a resolution of an applied one proposes operational',
      { firing: true, status: 'degraded_performance', state: 'applied' },
      resolve,
      degraded,
      { firing: false, status: 'operational', state: 'open' },
    ],
    [
      'a resolution closes it while another signal still fires',
      { firing: true, status: 'degraded_performance', state: 'applied' },
      resolve,
      { current: 'degraded_performance', othersFiring: true },
      { firing: false, status: 'operational', state: 'closed' },
    ],
    [
      'a resolution closes a dismissed one',
      { firing: true, status: 'degraded_performance', state: 'dismissed' },
      resolve,
      degraded,
      { firing: false, status: 'operational', state: 'closed' },
    ],
  ] as const)('%s', (_name, row, signal, around, expected) => {
    expect(nextProposal(row, signal, around)).toEqual(expected);
  });

  it('records nothing for a resolution of a signal never seen firing', () => {
    expect(nextProposal(null, resolve, degraded)).toBeNull();
  });
});

describe('when a service with "autoStatus" takes a proposal', () => {
  it.each([
    ['operational', 'degraded_performance', false, true],
    ['degraded_performance', 'major_outage', false, true],
    ['major_outage', 'degraded_performance', false, false],
    ['under_maintenance', 'major_outage', false, false],
    ['operational', 'under_maintenance', false, false],
    ['degraded_performance', 'operational', false, true],
    ['degraded_performance', 'operational', true, false],
  ] as const)('from %s to %s (another signal firing: %s): %s', (current, proposed, others, applies) => {
    expect(autoDecision(current, proposed, others).apply).toBe(applies);
  });
});

describe("an Alertmanager alert's status signal", () => {
  const mapping = IntakeMapping.parse({ services: { 'api-gateway': 'api', pg: { service: 'database', status: 'partial_outage' } } });

  it.each([
    ['the default', {}, 'api', 'degraded_performance'],
    ['its mapping entry', { service: 'pg' }, 'database', 'partial_outage'],
    ['its status label, over the mapping entry', { service: 'pg', labels: { status_page_status: 'Major_Outage' } }, 'database', 'major_outage'],
    ['the default, when its status label names no status', { labels: { status_page_status: 'bad' } }, 'api', 'degraded_performance'],
  ] as const)('takes its status from %s', (_name, options, slug, status) => {
    const [signal] = alertmanagerSignals(alertmanagerPost('Down', options), mapping);
    expect(signal).toMatchObject({ serviceHints: [slug], status, firing: true, key: 'fp-Down' });
  });

  it('names the alert by its labels when Alertmanager sends no fingerprint', () => {
    const post = alertmanagerPost('Down');
    const { fingerprint: _, ...alert } = post.alerts[0]!;
    const [signal] = alertmanagerSignals({ ...post, alerts: [alert] }, mapping);
    expect(signal?.key).toBe('alertname=Down,instance=api-1:9100,job=node,service=api,severity=warning');
  });

  it('is resolved per alert, whatever the group says', () => {
    const post = alertmanagerPost('Down');
    const both = { ...post, alerts: [post.alerts[0]!, { ...post.alerts[0]!, status: 'resolved' as const, fingerprint: 'other' }] };
    expect(alertmanagerSignals(both, mapping).map((s) => [s.key, s.firing])).toEqual([
      ['fp-Down', true],
      ['other', false],
    ]);
  });
});
