/**
 * Status proposals on the desk: an Alertmanager post shows a proposal on the dashboard and the
 * incident forms; one click (the form post a browser sends, with session and CSRF token)
 * applies it and the public page shows the status; a service with "autoStatus" changes
 * without a click and says so.
 */
import { describe, expect, it } from 'vitest';
import { createToken } from '../../api/features/access/tokens.ts';
import { makeDesk, textOf, type Desk } from '../support/desk.ts';
import { alertmanagerPost, contentWithAutoStatus } from '../features/proposals/alerts.ts';

type Session = { cookie: string; csrf: string };

async function setUp(contentDir?: string) {
  const d = await makeDesk({ start: '2026-03-10T12:00:00.000Z', ...(contentDir ? { contentDir } : {}) });
  await d.addUser('comms@example.test', 'comms', 'Casey Comms');
  const s = await d.signIn('comms@example.test');
  const intake = (await createToken(d.db, 'prometheus', d.clock.now(), 'intake')).token;
  const alert = async (body: unknown) => expect((await d.call('POST', '/api/intake/alertmanager', body, intake)).status).toBe(200);
  return { d, s, alert };
}

const page = async (d: Desk, path: string, s: Session) => {
  const res = await d.get(path, s.cookie);
  expect(res.status, path).toBe(200);
  return res.text();
};
/** The action of the first form posting to /admin/proposals/…/`verb` on a page. */
const formAction = (html: string, verb: 'apply' | 'dismiss') => new RegExp(`action="(/admin/proposals/\\d+/${verb})"`).exec(html)?.[1];
/** The public page of a service, as readers get it. */
const publicPage = async (d: Desk, slug: string) => textOf(await (await d.get(`/services/${slug}`)).text());
/** The status a service's public page shows in its banner. */
const publicStatus = async (d: Desk, slug: string) =>
  textOf(/<p class="banner">([\s\S]*?)<\/p>/.exec(await (await d.get(`/services/${slug}`)).text())?.[1] ?? '').trim();

describe('status proposals on the desk', () => {
  it('lists an alert’s proposal on the dashboard, and one click applies it to the public page', async () => {
    const { d, s, alert } = await setUp();
    await alert(alertmanagerPost('ApiDown', { service: 'api', summary: 'API answers 503' }));
    const dashboard = await page(d, '/admin', s);
    expect(textOf(dashboard)).toContain('Status proposals from alerts');
    expect(textOf(dashboard)).toContain('Public API: Degraded performance (now Operational)');
    expect(textOf(dashboard)).toContain('Firing: Alertmanager alert ApiDown — API answers 503');
    expect(await publicStatus(d, 'api')).toBe('Operational');

    const action = formAction(dashboard, 'apply') as string;
    const res = await d.post(action, { _csrf: s.csrf, next: '/admin' }, { cookie: s.cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin?done=proposal-applied');

    expect(await publicStatus(d, 'api')).toBe('Degraded performance');
    const after = textOf(await page(d, '/admin?done=proposal-applied', s));
    expect(after).toContain('Proposal applied');
    expect(after).not.toContain('Status proposals from alerts');
    const audit = textOf(await page(d, '/admin/audit', s));
    expect(audit).toMatch(/user:comms@example\.test service\.status api .*"note": "applied from Alertmanager alert ApiDown"/);
  });

  it('refuses a click without the page’s CSRF token, and applies nothing', async () => {
    const { d, s, alert } = await setUp();
    await alert(alertmanagerPost('ApiDown'));
    const action = formAction(await page(d, '/admin', s), 'apply') as string;
    const res = await d.post(action, { _csrf: 'forged', next: '/admin' }, { cookie: s.cookie });
    expect(res.status).toBe(403);
    expect(await publicStatus(d, 'api')).toBe('Operational');
  });

  it('shows proposals on the incident forms, and returns there after a click', async () => {
    const { d, s, alert } = await setUp();
    await alert(alertmanagerPost('ApiDown'));
    const form = await page(d, '/admin/incidents/new', s);
    expect(textOf(form)).toContain('Public API: Degraded performance');
    expect(form).toContain('name="next" value="/admin/incidents/new"');
    // The draft the alert opened names the service: its page shows the proposal too.
    const draft = await page(d, '/admin/incidents/INC-1', s);
    expect(textOf(draft)).toContain('Status proposals for its services');
    const res = await d.post(formAction(draft, 'apply') as string, { _csrf: s.csrf, next: '/admin/incidents/INC-1' }, { cookie: s.cookie });
    expect(res.headers.get('location')).toBe('/admin/incidents/INC-1?done=proposal-applied');
    // A `next` outside the desk's pages is not followed.
    await alert(alertmanagerPost('DbDown', { service: 'postgres' }));
    const other = formAction(await page(d, '/admin', s), 'apply') as string;
    const away = await d.post(other, { _csrf: s.csrf, next: 'https://evil.example/' }, { cookie: s.cookie });
    expect(away.headers.get('location')).toBe('/admin?done=proposal-applied');
  });

  it('keeps a dismissed proposal dismissed when its alert fires again', async () => {
    const { d, s, alert } = await setUp();
    await alert(alertmanagerPost('ApiDown'));
    const res = await d.post(formAction(await page(d, '/admin', s), 'dismiss') as string, { _csrf: s.csrf, next: '/admin' }, { cookie: s.cookie });
    expect(res.headers.get('location')).toBe('/admin?done=proposal-dismissed');
    d.clock.advance(4 * 3600_000);
    await alert(alertmanagerPost('ApiDown'));
    expect(textOf(await page(d, '/admin', s))).not.toContain('Status proposals from alerts');
    expect(await publicStatus(d, 'api')).toBe('Operational');
  });

  it('takes the proposal off the dashboard once its alert resolves', async () => {
    const { d, s, alert } = await setUp();
    await alert(alertmanagerPost('ApiDown'));
    expect(textOf(await page(d, '/admin', s))).toContain('Status proposals from alerts');
    await alert(alertmanagerPost('ApiDown', { status: 'resolved' }));
    expect(textOf(await page(d, '/admin', s))).not.toContain('Status proposals from alerts');
  });

  it('shows proposals to support staff without the buttons, and refuses their click', async () => {
    const { d, alert } = await setUp();
    await d.addUser('help@example.test', 'support');
    const support = await d.signIn('help@example.test');
    await alert(alertmanagerPost('ApiDown'));
    const dashboard = await page(d, '/admin', support);
    expect(textOf(dashboard)).toContain('Public API: Degraded performance');
    expect(formAction(dashboard, 'apply')).toBeUndefined();
    const res = await d.post('/admin/proposals/1/apply', { _csrf: support.csrf, next: '/admin' }, { cookie: support.cookie });
    expect(res.status).toBe(403);
  });

  it('changes a service with "autoStatus" without a click, and its timelines say it was automatic', async () => {
    const { d, s, alert } = await setUp(contentWithAutoStatus('api'));
    await alert(alertmanagerPost('ApiDown'));
    expect(await publicStatus(d, 'api')).toBe('Degraded performance');
    expect(await publicPage(d, 'api')).toMatch(/Operational → Degraded performance \(set automatically by monitoring\)/);
    expect(textOf(await page(d, '/admin', s))).not.toContain('Status proposals from alerts');
    const audit = textOf(await page(d, '/admin/audit', s));
    expect(audit).toMatch(/intake:alertmanager \(prometheus\) service\.status api .*"note": "set automatically from Alertmanager alert ApiDown"/);
  });
});
