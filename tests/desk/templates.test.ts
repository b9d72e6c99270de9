import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillMessageTemplate, leftovers, loadMessageTemplates, parseTemplate } from '../../api/desk/templates.ts';
import { CONTENT_DIR } from '../support/app.ts';

const shipped = loadMessageTemplates(join(CONTENT_DIR, 'templates'));

describe('the shipped templates', () => {
  it('are the plan\'s three, in the order an incident uses them', () => {
    expect(shipped.map((t) => [t.name, t.use])).toEqual([
      ['Initial Alert', 'create'],
      ['Status Update', 'update'],
      ['Resolution', 'resolve'],
    ]);
  });

  it('carry the plan\'s lines', () => {
    const [alert, update, resolution] = shipped.map((t) => t.body);
    expect(alert).toContain('INCIDENT DECLARED: {{services}} - {{title}}');
    expect(alert).toContain('Severity: {{severity}}');
    expect(update).toContain('STATUS UPDATE - {{time}}');
    expect(update).toMatch(/Actions Taken: .*\nNext Steps: .*\nETA: \{\{eta\}\}/);
    expect(resolution).toContain('Duration: {{duration}}\nRoot Cause: {{root_cause}}\nPostmortem: {{postmortem}}');
  });
});

describe('fillMessageTemplate', () => {
  it.each([
    ['fills what it knows', 'Severity: {{severity}}', { severity: 'P1' }, 'Severity: P1'],
    ['leaves what it does not', 'ETA: {{eta}}', {}, 'ETA: {{eta}}'],
    ['leaves an empty value as a blank', 'Impact: {{impact}}', { impact: '  ' }, 'Impact: {{impact}}'],
    ['tolerates spaces inside the braces', '{{ title }}', { title: 'API down' }, 'API down'],
  ])('%s', (_name, body, values, expected) => {
    expect(fillMessageTemplate(body, values)).toBe(expected);
  });
});

describe('leftovers', () => {
  it.each([
    ['a {{…}} blank', 'ETA: {{eta}}', ['{{eta}}']],
    ['a template prompt left as it was', 'Actions Taken: [What was done since the last update]', ['[What was done since the last update]']],
    ['nothing once filled', 'Actions Taken: restarted the pool', []],
    ['not a markdown link', 'See [the runbook](https://example.com)', []],
  ])('%s', (_name, message, expected) => {
    expect(leftovers(message, shipped)).toEqual(expected);
  });
});

it('reads a template without front matter as an update template named after its file', () => {
  expect(parseTemplate('db-failover', 'We are failing over.')).toEqual({ slug: 'db-failover', name: 'db-failover', use: 'update', note: '', body: 'We are failing over.' });
});
