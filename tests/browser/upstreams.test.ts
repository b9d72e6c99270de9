/**
 * A service that follows a provider's status page, with two real servers built as `npm start`
 * runs them: the provider is one Herald, the mirror another whose "Email delivery" follows the
 * provider's "Email delivery". In Debian's Chromium without JavaScript, the mirror's pages say
 * where the status comes from, carry the provider's outage, and once the provider is gone say
 * "Status unknown" — never "Operational" — axe-clean, in the service table of a large catalogue
 * and on the service's page.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalogue } from '../../api/platform/content.ts';
import { closeBrowserTest, expectAccessible, launchBrowser, withPage } from '../support/browser.ts';
import { contentWithServices } from '../support/catalogue.ts';
import { makeIncident } from '../support/factories.ts';
import { adminPost, removeDir, startServer, type RunningServer } from '../support/server.ts';

const ADMIN_TOKEN = 'upstreams-admin-token-0123456789abcdef';
let provider: RunningServer;
let mirror: RunningServer;
let browser: Browser;
let content: string;

/** 12 services (more than the home page draws bars for: a table), "email" following the provider. */
function mirrorContent(providerUrl: string): string {
  const dir = contentWithServices(12);
  const catalogue = JSON.parse(readFileSync(join(dir, 'services.json'), 'utf8')) as Catalogue;
  for (const group of catalogue.groups)
    for (const service of group.services)
      if (service.slug === 'email')
        service.upstream = { url: `${providerUrl}/api/v2/components.json`, component: 'Email delivery', provider: 'MailCo', followStatus: true };
  writeFileSync(join(dir, 'services.json'), JSON.stringify(catalogue));
  return dir;
}

const emailComponent = async () =>
  (
    (await (await fetch(`${mirror.url}/api/v2/components.json`)).json()) as { components: { id: string; status: string; herald_status?: string }[] }
  ).components.find((c) => c.id === 'email');

beforeAll(async () => {
  provider = await startServer({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN });
  content = mirrorContent(provider.url);
  mirror = await startServer({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN, CONTENT_DIR: content, UPSTREAM_POLL_SECONDS: '1', WEBHOOK_ALLOW_LOCAL: 'true' });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await provider?.kill();
  await closeBrowserTest(browser, mirror, provider?.dir, content);
  if (content) removeDir(content);
});

describe('a service following a provider, in a real browser', () => {
  it("shows the provider's outage and where it comes from", async () => {
    await adminPost(
      provider.url,
      ADMIN_TOKEN,
      '/api/admin/incidents',
      makeIncident({ title: 'Mail is delayed', services: [{ slug: 'email', status: 'major_outage' }] }),
    );
    await expect.poll(async () => (await emailComponent())?.herald_status, { timeout: 30_000 }).toBe('major_outage');
    await withPage(browser, { javaScriptEnabled: false }, async (page) => {
      await page.goto(`${mirror.url}/services/email`);
      await expect.poll(() => page.locator('.banner').innerText()).toBe('Major outage');
      expect(await page.getByRole('link', { name: 'MailCo' }).getAttribute('href')).toBe(`${provider.url}/`);
      expect(await page.getByText('MailCo reports:').innerText()).toBe('MailCo reports: Mail is delayed');
      await expectAccessible(page);
    });
  });

  it('says "Status unknown", never "Operational", once the provider is gone', async () => {
    await provider.kill();
    await expect.poll(async () => (await emailComponent())?.herald_status, { timeout: 30_000 }).toBe('unknown');
    expect((await emailComponent())?.status).toBe('major_outage');
    await withPage(browser, { javaScriptEnabled: false }, async (page) => {
      await page.goto(`${mirror.url}/`);
      const row = page.getByRole('region', { name: 'Services' }).getByRole('row', { name: /^Email delivery / });
      expect((await row.getByRole('cell').allInnerTexts())[0]).toBe('Status unknown');
      await expectAccessible(page);
      await page.goto(`${mirror.url}/services/email`);
      expect(await page.locator('.banner').innerText()).toBe('Status unknown');
      // The provider's incident is not passed off as current either.
      expect(await page.getByText('MailCo reports:').count()).toBe(0);
      await expectAccessible(page);
    });
    const health = (await (await fetch(`${mirror.url}/healthz`)).json()) as { upstreams: { unreadable: { service: string; statusUnknown: boolean }[] } };
    expect(health.upstreams.unreadable).toEqual([expect.objectContaining({ service: 'email', statusUnknown: true })]);
  });
});
