import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillMessageTemplate, leftovers, loadMessageTemplates, parseTemplate } from '../../api/desk/templates.ts';
import { CONTENT_DIR } from '../support/app.ts';

const shipped = loadMessageTemplates(join(CONTENT_DIR, 'templates'));
const slack = loadMessageTemplates(join(CONTENT_DIR, 'slack'));

describe('the shipped templates', () => {
  it.each([
    ['the desk (customer-facing)', shipped],
    ["Slack (the plan's own)", slack],
  ])("for %s are the plan's three, in the order an incident uses them", (_where, templates) => {
    expect(templates.map((t) => [t.name, t.use])).toEqual([
      ['Initial Alert', 'create'],
      ['Status Update', 'update'],
      ['Resolution', 'resolve'],
    ]);
  });

  it("for Slack carry the plan's lines verbatim, the IC line included", () => {
    const [alert, update, resolution] = slack.map((t) => t.body);
    expect(alert).toContain('INCIDENT DECLARED: {{services}} - {{title}}*\nSeverity: {{severity}}\nImpact: {{impact}}\nIC: {{commander}}\nStatus: {{status}}');
    expect(update).toContain('STATUS UPDATE - {{time}}');
    expect(update).toMatch(/Current Status: \{\{status\}\}\nActions Taken: .*\nNext Steps: .*\nETA: \{\{eta\}\}/);
    expect(resolution).toContain('Duration: {{duration}}\nRoot Cause: {{root_cause}}\nPostmortem: {{postmortem}}');
  });

  it.each([0, 1, 2])('for the desk (#%i) say what is affected and when customers hear next, with no internal fields', (i) => {
    const body = shipped[i]!.body;
    expect(body).toContain('{{services}}');
    expect(body).not.toMatch(/\{\{(severity|commander|impact)\}\}|Severity|IC:|INCIDENT|P[0-3]\b/);
    if (shipped[i]!.use !== 'resolve') expect(body).toContain('next update by {{next_update}}');
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
    [
      'a template prompt left as it was',
      'What we are doing: [What was done since the last update, and what happens next]',
      ['[What was done since the last update, and what happens next]'],
    ],
    ['nothing once filled', 'Actions Taken: restarted the pool', []],
    ['not a markdown link', 'See [the runbook](https://example.com)', []],
  ])('%s', (_name, message, expected) => {
    expect(leftovers(message, shipped)).toEqual(expected);
  });
});

it('reads a template without front matter as an update template named after its file', () => {
  expect(parseTemplate('db-failover', 'We are failing over.')).toEqual({
    slug: 'db-failover',
    name: 'db-failover',
    use: 'update',
    note: '',
    body: 'We are failing over.',
  });
});
