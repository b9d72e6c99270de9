import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CONTENT_DIR } from '../support/app.ts';
import { listAudit } from '../../api/features/audit/store.ts';
import { createWatchdog } from '../../api/features/freshness/watchdog.ts';
import { createMailer } from '../../api/platform/delivery/mailer.ts';
import { startSmtpSink } from '../support/sinks.ts';
import { makeIncident } from '../support/factories.ts';
import { makeDesk, textOf, type Desk } from '../support/desk.ts';

let d: Desk;
let s: { cookie: string; csrf: string };
beforeEach(async () => {
  d = await makeDesk({ start: '2026-03-10T12:00:00.000Z' });
  await d.addUser('comms@example.test', 'comms', 'Casey Comms');
  s = await d.signIn('comms@example.test');
});

const page = async (path: string) => {
  const res = await d.get(path, s.cookie);
  expect(res.status, path).toBe(200);
  return res.text();
};
const submit = (path: string, fields: Record<string, string>) => d.post(path, { _csrf: s.csrf, ...fields }, { cookie: s.cookie });
const textareaOf = (html: string) => {
  const raw = /<textarea[^>]*name="message"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? '';
  return raw
    .replace(/&#(\d+);/g, (_m, n) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
};
const declareFields = (message: string, extra: Record<string, string> = {}) => ({
  title: 'Elevated API error rates',
  severity: 'P1',
  status: 'investigating',
  'svc.api': 'partial_outage',
  'svc.web-app': 'degraded_performance',
  impact: 'About 8% of API requests fail.',
  commander: 'Sam Lee',
  message,
  nextUpdateInMinutes: '30',
  notify: 'auto',
  intent: 'post',
  ...extra,
});
const alertMessage = (html: string) => textareaOf(html).replace('[What customers notice, in one or two sentences.]', 'Some API calls fail with 503.');

describe('New incident', () => {
  it('is prefilled from the customer-facing Initial Alert, with every service and its status in the same form', async () => {
    const html = await page('/admin/incidents/new');
    expect(textareaOf(html)).toContain('**We are investigating a problem with {{services}}.**');
    expect(textareaOf(html)).not.toMatch(/Severity|IC:|INCIDENT DECLARED/);
    expect(html).toContain('name="svc.api"');
    expect(html).toContain('name="svc.billing"');
    expect(html).toMatch(/name="notify" value="auto" checked/);
  });

  it('declares the incident through the same command as the API, filling the template from the form', async () => {
    const message = alertMessage(await page('/admin/incidents/new'));
    const res = await submit('/admin/incidents/new', declareFields(message));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/incidents/INC-1?done=created');
    const incident = (await d.call('GET', '/api/admin/incidents/INC-1')).json;
    expect(incident).toMatchObject({ title: 'Elevated API error rates', severity: 'P1', commander: 'Sam Lee', impact: 'About 8% of API requests fail.' });
    expect(incident.services.map((x: { slug: string; status: string }) => `${x.slug}:${x.status}`).sort()).toEqual([
      'api:partial_outage',
      'web-app:degraded_performance',
    ]);
    const first = incident.updates[0];
    expect(first.message).toBe(
      '**We are investigating a problem with Web app, Public API.**\n\nSome API calls fail with 503.\n\nOur engineers are working on it. We will post the next update by 12:30 UTC.',
    );
    expect(first.notify).toBe(true); // P1: on by default, as the plan says
    const [audit] = await listAudit(d.db, { ref: 'INC-1' });
    expect(audit?.actor).toBe('user:comms@example.test');
    // Published before the redirect: the public JSON already has it.
    expect(d.snapshot.get('/api/v2/incidents/unresolved.json')?.body.toString()).toContain('Elevated API error rates');
  });

  it('does not notify by default for P3', async () => {
    await submit('/admin/incidents/new', declareFields('Search is slow.', { severity: 'P3' }));
    expect((await d.call('GET', '/api/admin/incidents/INC-1')).json.updates[0].notify).toBe(false);
  });

  it('refuses a message whose template prompts are still there, and keeps what was typed', async () => {
    const message = textareaOf(await page('/admin/incidents/new'));
    const res = await submit('/admin/incidents/new', declareFields(message, { title: 'Keep me' }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(textOf(html)).toContain('Fill in or remove [What customers notice, in one or two sentences.] before posting.');
    expect(html).toContain('value="Keep me"');
    expect((await d.call('GET', '/api/admin/incidents?state=all')).json.incidents).toEqual([]);
  });

  it('names each invalid field, as the API would', async () => {
    const res = await submit('/admin/incidents/new', declareFields('x', { title: '', severity: 'P9' }));
    expect(res.status).toBe(400);
    const text = textOf(await res.text());
    expect(text).toContain('Title: must not be empty');
    expect(text).toMatch(/Severity: Invalid option/i);
  });

  it('previews without JavaScript: the same form comes back with the rendered, sanitised message', async () => {
    const res = await submit('/admin/incidents/new', declareFields('**Bold** <script>alert(1)</script> on {{services}}', { intent: 'preview' }));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<strong>Bold</strong> &lt;script&gt;alert(1)&lt;/script&gt; on Web app, Public API');
    expect((await d.call('GET', '/api/admin/incidents?state=all')).json.incidents).toEqual([]);
  });

  it('previews live through /admin/preview with the same renderer', async () => {
    const res = await d.post(
      '/admin/preview',
      { message: '[x](javascript:alert(1)) {{title}} {{eta}}', title: 'API down' },
      { cookie: s.cookie, headers: { 'x-csrf-token': s.csrf } },
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.html).not.toContain('javascript:');
    expect(body.html).toContain('API down');
    expect(body.blanks).toEqual(['{{eta}}']);
  });
});

describe('Post update and resolve', () => {
  beforeEach(async () => {
    expect((await d.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'api', status: 'partial_outage' }] }))).status).toBe(201);
  });

  it('prefills the customer-facing Status Update and posts it with service changes and a sooner next update', async () => {
    d.clock.advance(20 * 60_000);
    const html = await page('/admin/incidents/INC-1');
    const template = textareaOf(html);
    expect(template).toContain('**Update at {{time}} — {{status}}**');
    const message = template.replace(
      '[What was done since the last update, and what happens next]',
      'We moved traffic to healthy servers and are replacing the faulty ones.',
    );
    const res = await submit('/admin/incidents/INC-1/updates', {
      mode: 'update',
      status: 'mitigating',
      message,
      eta: '2026-03-10T13:30',
      nextUpdateInMinutes: '15',
      'svc.api': 'degraded_performance',
      notify: 'no',
      intent: 'post',
    });
    expect(res.status).toBe(303);
    const incident = (await d.call('GET', '/api/admin/incidents/INC-1')).json;
    expect(incident.status).toBe('mitigating');
    expect(incident.services[0].status).toBe('degraded_performance');
    expect(incident.nextUpdateDueAt).toBe('2026-03-10T12:35:00.000Z');
    expect(incident.updates[0].message).toBe(
      '**Update at 12:20 UTC — Mitigating**\n\nAffected: Public API\nWhat we are doing: We moved traffic to healthy servers and are replacing the faulty ones.\nExpected resolution: 13:30 UTC\n\nWe will post the next update by 12:35 UTC.',
    );
    expect(incident.updates[0].eta).toBe('2026-03-10T13:30:00.000Z');
    expect(incident.updates[0].notify).toBe(false);
  });

  it('prefills the customer-facing Resolution; posting computes the duration', async () => {
    const html = await page('/admin/incidents/INC-1/resolve');
    expect(textareaOf(html)).toBe(
      '**Resolved: Public API**\n\nEverything is working normally again. The problem lasted {{duration}}. What happened: {{root_cause}}\n\nThank you for your patience.',
    );
    d.clock.advance(65 * 60_000);
    const res = await submit('/admin/incidents/INC-1/updates', {
      mode: 'resolve',
      status: 'resolved',
      message: textareaOf(html),
      rootCause: 'A bad deploy of the gateway.',
      intent: 'post',
      notify: 'auto',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/incidents/INC-1?done=resolved');
    const incident = (await d.call('GET', '/api/admin/incidents/INC-1')).json;
    expect(incident).toMatchObject({ status: 'resolved', rootCause: 'A bad deploy of the gateway.' });
    expect(incident.updates[0].message).toBe(
      '**Resolved: Public API**\n\nEverything is working normally again. The problem lasted 1 h 5 min. What happened: A bad deploy of the gateway.\n\nThank you for your patience.',
    );
    expect(incident.postmortemDueAt).toBe('2026-03-12T13:05:00.000Z');
    expect(incident.services[0].status).toBe('operational');
  });

  it('records the postmortem link when given, and asks for the root cause the template needs', async () => {
    const message = textareaOf(await page('/admin/incidents/INC-1/resolve'));
    const missing = await submit('/admin/incidents/INC-1/updates', { mode: 'resolve', message, intent: 'post' });
    expect(missing.status).toBe(400);
    expect(textOf(await missing.text())).toContain('Fill in or remove {{root_cause}} before posting.');
    await submit('/admin/incidents/INC-1/updates', {
      mode: 'resolve',
      message,
      rootCause: 'Disk full.',
      postmortemUrl: 'https://example.com/pm/1',
      intent: 'post',
    });
    const incident = (await d.call('GET', '/api/admin/incidents/INC-1')).json;
    expect(incident.updates[0].message).toContain('What happened: Disk full.');
    expect(incident.postmortemUrl).toBe('https://example.com/pm/1');
  });

  it('fills {{postmortem}} as "due by …" without a link, so "Postmortem: {{postmortem}}" does not say postmortem twice', async () => {
    const res = await submit('/admin/incidents/INC-1/updates', {
      mode: 'resolve',
      message: 'Postmortem: {{postmortem}}',
      rootCause: 'Disk full.',
      intent: 'post',
    });
    expect(res.status).toBe(303);
    const incident = (await d.call('GET', '/api/admin/incidents/INC-1')).json;
    expect(incident.updates[0].message).toBe('Postmortem: due by 2026-03-12 12:00 UTC');
  });

  it('answers a post to a resolved incident with the reason, on the form', async () => {
    await d.call('POST', '/api/admin/incidents/INC-1/updates', { status: 'resolved', message: 'Fixed.' });
    const res = await submit('/admin/incidents/INC-1/updates', { mode: 'update', status: 'monitoring', message: 'Still watching.', intent: 'post' });
    expect(res.status).toBe(400);
    expect(textOf(await res.text())).toContain('The incident is resolved and takes no status update');
  });

  it('reopens a resolved incident from its page, and asks for a message', async () => {
    await d.call('POST', '/api/admin/incidents/INC-1/updates', { status: 'resolved', message: 'Fixed.' });
    expect(await page('/admin/incidents/INC-1')).toContain('Reopen the incident');
    const empty = await submit('/admin/incidents/INC-1/reopen', { status: 'investigating', message: '  ' });
    expect(empty.status).toBe(400);
    expect(textOf(await empty.text())).toContain('Say why the incident is reopened');
    const res = await submit('/admin/incidents/INC-1/reopen', { status: 'mitigating', message: 'Errors are back.' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/incidents/INC-1?done=reopened');
    const incident = (await d.call('GET', '/api/admin/incidents/INC-1')).json;
    expect(incident).toMatchObject({ status: 'mitigating', resolvedAt: null });
    expect(incident.updates[0].message).toBe('Errors are back.');
    expect((await submit('/admin/incidents/INC-1/reopen', { status: 'investigating', message: 'Again?' })).status).toBe(400);
  });

  it('changes the commander and severity through the same command as the API, audited', async () => {
    const res = await submit('/admin/incidents/INC-1/details', {
      title: 'Elevated API error rates',
      severity: 'P0',
      impact: '',
      commander: 'oncall@example.test',
    });
    expect(res.status).toBe(303);
    const incident = (await d.call('GET', '/api/admin/incidents/INC-1')).json;
    expect(incident).toMatchObject({ severity: 'P0', commander: 'oncall@example.test', impact: null });
    const [entry] = await listAudit(d.db, { ref: 'INC-1' });
    expect(entry).toMatchObject({
      action: 'incident.edit',
      before: { severity: 'P1', commander: 'Sam Lee' },
      after: { severity: 'P0', commander: 'oncall@example.test' },
    });
    expect((await submit('/admin/incidents/INC-1/details', { title: '', severity: 'P0' })).status).toBe(400);
  });

  it('edits an update: shown as edited, and the audit log keeps both versions', async () => {
    const updateId = (await d.call('GET', '/api/admin/incidents/INC-1')).json.updates[0].id;
    expect(textareaOf(await page(`/admin/incidents/INC-1/updates/${updateId}/edit`))).toBe('We are investigating elevated error rates on the API.');
    d.clock.advance(60_000);
    const res = await submit(`/admin/incidents/INC-1/updates/${updateId}/edit`, {
      message: 'We are investigating elevated error rates on the public API.',
      intent: 'post',
    });
    expect(res.status).toBe(303);
    const update = (await d.call('GET', '/api/admin/incidents/INC-1')).json.updates[0];
    expect(update).toMatchObject({ message: 'We are investigating elevated error rates on the public API.', editedAt: '2026-03-10T12:01:00.000Z' });
    const audit = textOf(await page('/admin/audit?ref=INC-1'));
    expect(audit).toContain('update.edit INC-1/');
    expect(audit).toContain('"message": "We are investigating elevated error rates on the API."');
    expect(audit).toContain('"message": "We are investigating elevated error rates on the public API."');
  });
});

describe('Dashboard', () => {
  it('counts down to each deadline: amber in the last 5 minutes, red "OVERDUE by N min" after', async () => {
    await d.call('POST', '/api/admin/incidents', makeIncident({ title: 'First' }));
    d.clock.advance(10 * 60_000);
    await d.call('POST', '/api/admin/incidents', makeIncident({ title: 'Second', commander: 'Robin' }));
    d.clock.advance(26 * 60_000);
    const html = await page('/admin');
    expect(html).toMatch(/class="countdown tone-red" data-deadline="2026-03-10T12:30:00.000Z">OVERDUE by 6 min</);
    expect(html).toMatch(/class="countdown tone-amber" data-deadline="2026-03-10T12:40:00.000Z">due in 4 min</);
    const text = textOf(html);
    expect(text).toContain('INC-1: First P1 Investigating Sam Lee');
    expect(text).toContain('INC-2: Second P1 Investigating Robin');
    expect(text.indexOf('INC-1: First')).toBeLessThan(text.indexOf('INC-2: Second')); // soonest deadline first
    const silent = { info() {}, warn() {}, error() {} };
    const dog = createWatchdog({
      db: d.db,
      clock: d.clock,
      site: { publicUrl: 'https://status.example.test', updateIntervalMinutes: 30 },
      policy: { repeatMinutes: 15, maxEscalations: 4 },
      deliverers: { mailer: null, webhookUrl: null },
      publisher: d.publisher,
      log: silent,
    });
    await dog.tick();
    // Sam Lee is neither a Herald user nor an address: the page says so rather than claim they were told.
    expect(textOf(await page('/admin'))).toMatch(
      /due 12:30 UTC ?; flagged overdue 12:36 UTC ?; escalation being emailed to comms@example.test; commander “Sam Lee” not notified: not a Herald user or an email address/,
    );
  });

  it('names who an escalation reached: a commander given as an address is mailed, and one who is a Herald user', async () => {
    await d.call('POST', '/api/admin/incidents', makeIncident({ title: 'By address', commander: 'ic@example.test' }));
    await d.call('POST', '/api/admin/incidents', makeIncident({ title: 'By name', commander: 'Casey Comms' }));
    d.clock.advance(36 * 60_000);
    const smtp = await startSmtpSink();
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'Herald <herald@status.example.test>', outboxDir: '/nonexistent' });
    const silent = { info() {}, warn() {}, error() {} };
    const dog = createWatchdog({
      db: d.db,
      clock: d.clock,
      site: { publicUrl: 'https://status.example.test', updateIntervalMinutes: 30 },
      policy: { repeatMinutes: 15, maxEscalations: 4 },
      deliverers: { mailer, webhookUrl: null },
      publisher: d.publisher,
      log: silent,
    });
    await dog.tick();
    mailer.close();
    await smtp.close();
    expect(smtp.mails.map((m) => m.to).sort()).toEqual(['comms@example.test', 'comms@example.test', 'ic@example.test']);
    const text = textOf(await page('/admin'));
    const row = (title: string) => /flagged overdue [^;]+;([^;]*?)(?= INC-| Maintenance)/.exec(text.slice(text.indexOf(title)))?.[1]?.trim();
    expect(row('INC-1: By address')).toBe('escalation emailed to comms@example.test, ic@example.test');
    expect(row('INC-2: By name')).toBe('escalation emailed to comms@example.test');
    expect(text).not.toContain('not notified');
    expect(text).not.toContain('commander notified');
  });
});

describe('Audit log and services', () => {
  it('filters the audit log by incident', async () => {
    await d.call('POST', '/api/admin/incidents', makeIncident({ title: 'First' }));
    await d.call('POST', '/api/admin/incidents', makeIncident({ title: 'Second' }));
    const text = textOf(await page('/admin/audit?ref=inc-2'));
    expect(text).toContain('incident.create INC-2');
    expect(text).not.toContain('incident.create INC-1');
    expect(textOf(await page('/admin/audit'))).toContain('incident.create INC-1');
  });

  it('sets a service status outside an incident: published at once and audited', async () => {
    const res = await submit('/admin/services/billing', { status: 'under_maintenance' });
    expect(res.status).toBe(303);
    const summary = JSON.parse(d.snapshot.get('/api/v2/summary.json')?.body.toString() ?? '{}');
    expect(summary.components.find((c: { name: string }) => c.name === 'Billing').status).toBe('under_maintenance');
    const [entry] = await listAudit(d.db, { ref: 'billing' });
    expect(entry).toMatchObject({
      actor: 'user:comms@example.test',
      action: 'service.status',
      before: { status: 'operational' },
      after: { status: 'under_maintenance' },
    });
    expect((await submit('/admin/services/billing', { status: 'sideways' })).status).toBe(400);
  });
});

describe('Templates an admin adds', () => {
  it("are offered beside the plan's and prefill the form when chosen", async () => {
    const content = mkdtempSync(join(tmpdir(), 'herald-content-'));
    cpSync(CONTENT_DIR, content, { recursive: true });
    writeFileSync(
      join(content, 'templates', 'database-failover.md'),
      '---\nname: Database failover\nuse: create\n---\nWe are failing {{services}} over to the standby.',
    );
    const custom = await makeDesk({ contentDir: content });
    await custom.addUser('comms@example.test', 'comms');
    const { cookie } = await custom.signIn('comms@example.test');
    const html = await (await custom.get('/admin/incidents/new', cookie)).text();
    expect(html).toContain('href="/admin/incidents/new?template=database-failover"');
    expect(textareaOf(html)).toContain('We are investigating a problem with');
    const chosen = await (await custom.get('/admin/incidents/new?template=database-failover', cookie)).text();
    expect(textareaOf(chosen)).toBe('We are failing {{services}} over to the standby.');
  });
});
