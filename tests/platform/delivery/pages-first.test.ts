/**
 * The page before the mail: a notice claimed while the publish of the write that queued it is
 * still rendering waits for that publish, so subscribers never follow a link to a page that
 * does not show what the mail says yet, and a fan-out never takes the CPU from the publish and
 * from the comms lead's answer (bench: `npm run bench:fanout`, "queued in").
 */
import { afterEach, expect, it } from 'vitest';
import { snapshotPath } from '../../../api/site/serve.ts';
import { createMailer } from '../../../api/platform/delivery/mailer.ts';
import { makeIncident } from '../../support/factories.ts';
import { makeTestApp, ADMIN_TOKEN } from '../../support/app.ts';
import { startSmtpSink } from '../../support/sinks.ts';
import { linkIn } from '../../support/subscribers.ts';

const PAGE = snapshotPath('/incidents/INC-1');
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Herald as assembled, one confirmed subscriber, and pages that render at once unless held. */
async function subscribedApp() {
  const smtp = await startSmtpSink();
  closers.push(() => smtp.close());
  const mailer = createMailer({ smtpUrl: smtp.url, from: 'Example Status <status@status.example.test>', outboxDir: '/nonexistent' });
  closers.push(() => mailer.close());
  // Pages render at once, unless the test holds them.
  const holding: { page: Promise<void> | null } = { page: null };
  const t = await makeTestApp({
    mailer,
    signupThrottle: { limit: 1000, windowMs: 60_000 },
    renderPage: async (path) => {
      if (holding.page) await holding.page;
      return `<!doctype html><html lang="en"><head><title>${path}</title></head><body>${path}</body></html>`;
    },
  });
  closers.push(() => t.db.close());
  const request = (method: string, path: string, body: string, type: string, token?: string) =>
    t.app.request(path, { method, body, headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

  await request('POST', '/subscribe', new URLSearchParams({ email: 'ann@example.com' }).toString(), 'application/x-www-form-urlencoded');
  await t.herald.sender.drain();
  const confirm = linkIn(smtp.to('ann@example.com')[0]?.parsed?.text ?? '', '/subscribe/confirm/');
  expect((await t.app.request(confirm, { method: 'POST' })).status).toBe(200);
  await t.herald.sender.drain();
  const before = smtp.count();
  return { t, smtp, holding, request, before };
}

it('delivers a notice claimed during its publish only once the page is published', async () => {
  const { t, smtp, holding, request, before } = await subscribedApp();

  let release = () => {};
  holding.page = new Promise<void>((resolve) => (release = resolve));
  const posting = request('POST', '/api/admin/incidents', JSON.stringify(makeIncident({ title: 'Payments failing' })), 'application/json', ADMIN_TOKEN);
  // The write commits its notice, then publishes: the publish is held, so the POST has not answered.
  await expect.poll(async () => Number((await t.db.execute("SELECT count(*) AS n FROM outbox WHERE kind = 'incident'")).rows[0]?.n)).toBe(1);
  const delivering = t.herald.sender.runOnce();
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(smtp.count()).toBe(before);
  expect(t.snapshot.has(PAGE)).toBe(false);

  holding.page = null;
  release();
  const posted = await posting;
  expect(posted.status).toBe(201);
  expect(((await posted.json()) as { ref: string }).ref).toBe('INC-1');
  await delivering;
  await smtp.waitFor(before + 1);
  expect(smtp.to('ann@example.com').at(-1)?.subject).toContain('Payments failing');
  expect(t.snapshot.has(PAGE)).toBe(true);
});

it('delivers the notice all the same when the publish hangs, after a few seconds', async () => {
  const { t, smtp, holding, request, before } = await subscribedApp();
  holding.page = new Promise<void>(() => {});
  void request('POST', '/api/admin/incidents', JSON.stringify(makeIncident({ title: 'Publishing is stuck' })), 'application/json', ADMIN_TOKEN);
  await expect.poll(async () => Number((await t.db.execute("SELECT count(*) AS n FROM outbox WHERE kind = 'incident'")).rows[0]?.n)).toBe(1);
  await t.herald.sender.runOnce();
  await smtp.waitFor(before + 1, 10_000);
  expect(smtp.to('ann@example.com').at(-1)?.subject).toContain('Publishing is stuck');
  expect(t.snapshot.has(PAGE)).toBe(false);
}, 20_000);
