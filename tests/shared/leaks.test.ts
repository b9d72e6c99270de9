import { describe, expect, it } from 'vitest';
import { describeFinding, findLeaks, type LeakRule } from '../../api/shared/leaks.ts';

const rulesIn = (message: string, commander?: string) => findLeaks({ message }, { commander: commander ?? null }).map((f) => [f.rule, f.found]);

describe('findLeaks', () => {
  it.each<[string, string, [LeakRule, string][]]>([
    ['a host under .internal', 'Traffic to api.eu.internal is failing.', [['internal_host', 'api.eu.internal']]],
    ['a host under .local', 'The cache on cache1.local restarted.', [['internal_host', 'cache1.local']]],
    ['a host under .corp', 'Builds on ci.example.corp are stuck.', [['internal_host', 'ci.example.corp']]],
    ['a host under .lan', 'nas.lan is full.', [['internal_host', 'nas.lan']]],
    ['a single-label host with a number', 'We failed over db-prod-3 to its replica.', [['internal_host', 'db-prod-3']]],
    ['a single-label host with an environment', 'redis-staging was restarted.', [['internal_host', 'redis-staging']]],
    ['localhost', 'It answers on localhost only.', [['internal_host', 'localhost']]],
    ['a 10/8 address', 'Packets to 10.2.3.4 were dropped.', [['private_ip', '10.2.3.4']]],
    ['a 172.16/12 address', 'Gateway 172.20.0.1 is down.', [['private_ip', '172.20.0.1']]],
    ['a 192.168/16 address', 'See 192.168.1.10.', [['private_ip', '192.168.1.10']]],
    ['a loopback address', 'Bound to 127.0.0.1.', [['private_ip', '127.0.0.1']]],
    ['a unique-local IPv6 address', 'Route to fd12:3456::1 lost.', [['private_ip', 'fd12:3456::1']]],
    ['an email address', 'Ask oncall@example.com for details.', [['email', 'oncall@example.com']]],
    ['a severity code', 'This is a P2 incident.', [['severity_code', 'P2']]],
    ['a SEV code', 'Declared SEV1.', [['severity_code', 'SEV1']]],
    ['a Node stack frame', 'Error came from\n    at handler (/srv/app/server.js:10:5)', [['stack_trace', 'at handler (/srv/app/server.js:10:5)']]],
    [
      'a Python traceback',
      'Traceback (most recent call last):\n  File "app.py", line 3',
      [
        ['stack_trace', 'Traceback (most recent call last)'],
        ['stack_trace', 'File "app.py", line 3'],
      ],
    ],
    ['an exception name', 'java.lang.NullPointerException: boom', [['stack_trace', 'NullPointerException']]],
    ['a bare Exception:', 'Exception: timeout', [['stack_trace', 'Exception:']]],
    ['an unfilled prompt', 'Affected: [What customers notice]', [['blank', '[What customers notice]']]],
    ['an unfilled placeholder', 'ETA: {{eta}}', [['blank', '{{eta}}']]],
  ])('finds %s', (_name, message, expected) => {
    expect(rulesIn(message)).toEqual(expected);
  });

  it.each([
    ['plain customer words', 'Some API requests fail. We are rolling back a change and will update you by 12:30 UTC.'],
    ['a public link', 'See [our blog](https://example.com/posts/release-2) and https://status.example.com/incidents/INC-4.'],
    ['a public IP address', 'Our edge at 203.0.113.7 is fine.'],
    ['a version number', 'Version 2.4.1 is rolled out.'],
    ['words with digits customers use', 'Files in UTF-8 and COVID-19 notices are fine; the 2026-03-10 report too.'],
    ['the word "error" in a sentence', 'You may see an error page; error rates are falling.'],
    ['a reference', 'This is INC-42.'],
    ['a markdown link', 'Read [the runbook](https://example.com).'],
  ])('finds nothing in %s', (_name, message) => {
    expect(rulesIn(message)).toEqual([]);
  });

  it("finds the incident commander's name, whatever its case, only when one is named", () => {
    expect(rulesIn('Sam Lee is coordinating.', 'Sam Lee')).toEqual([['commander', 'Sam Lee']]);
    expect(rulesIn('SAM LEE is coordinating.', 'Sam Lee')).toEqual([['commander', 'Sam Lee']]);
    expect(rulesIn('Sam Lee is coordinating.')).toEqual([]);
  });

  it('names the field each finding is in, and skips absent fields', () => {
    expect(findLeaks({ title: 'db-prod-3 down', message: 'P1', impact: null, rootCause: undefined })).toEqual([
      { field: 'title', rule: 'internal_host', found: 'db-prod-3' },
      { field: 'message', rule: 'severity_code', found: 'P1' },
    ]);
  });

  it('reads a finding as words a person understands', () => {
    expect(describeFinding({ field: 'message', rule: 'private_ip', found: '10.0.0.1' })).toBe('a private IP address "10.0.0.1"');
  });
});
