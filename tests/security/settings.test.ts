import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/platform/config.ts';
import { readContent, SiteSettings } from '../../api/platform/content.ts';
import { CONTENT_DIR } from '../support/app.ts';
import { removeDir, startServer } from '../support/server.ts';

const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
};

describe('URL settings in the environment', () => {
  it.each([
    ['PUBLIC_URL', 'javascript:alert(1)', 'https://status.example.com'],
    ['PUBLIC_URL', 'data:text/html,hi', 'https://status.example.com'],
    ['PUBLIC_URL', 'file:///etc/passwd', 'https://status.example.com'],
    ['PUBLIC_URL', 'https://admin:secret@status.example.com', 'user name or password'],
    ['PUBLIC_URL', 'https://status.example.com/?utm=1', '?query or #fragment'],
    ['SLACK_WEBHOOK_URL', 'javascript:alert(1)', 'hooks.slack.com'],
    ['SLACK_WEBHOOK_URL', 'http://hooks.slack.com/services/T/B/x', 'not https'],
    ['SLACK_WEBHOOK_URL', 'https://10.0.0.5/hook', 'private'],
    ['FRESHNESS_WEBHOOK_URL', 'javascript:alert(1)', 'Slack-style incoming webhook'],
    ['SMTP_URL', 'javascript:alert(1)', 'smtp://'],
    ['DATABASE_URL', 'javascript:alert(1)', 'libsql://'],
    ['TRUST_PROXY', 'yes', 'number of proxies'],
    ['TRUST_PROXY', '-1', 'use 0 when clients connect directly'],
  ])('refuses %s=%s, naming it and what to do', (name, value, words) => {
    const message = refusal(() => loadConfig({ [name]: value }));
    expect(message).toContain(`${name}:`);
    expect(message).toContain(words);
  });

  it.each([
    ['PUBLIC_URL', 'https://status.example.com'],
    ['PUBLIC_URL', 'http://127.0.0.1:4321'],
    ['SLACK_WEBHOOK_URL', 'https://hooks.slack.com/services/T0/B0/abc'],
    ['FRESHNESS_WEBHOOK_URL', 'http://chat.internal.example/hooks/comms'],
    ['DATABASE_URL', 'libsql://status-db.example.com'],
    ['DATABASE_URL', 'file:data/herald.db'],
    ['TRUST_PROXY', '2'],
  ])('accepts %s=%s', (name, value) => {
    expect(refusal(() => loadConfig({ [name]: value }))).toBe('');
  });

  it('lets a development setup post Slack notices to a local address when it says so', () => {
    expect(refusal(() => loadConfig({ SLACK_WEBHOOK_URL: 'http://127.0.0.1:9000/hook', WEBHOOK_ALLOW_LOCAL: 'true' }))).toBe('');
  });
});

/** content/ as shipped, with site.json changed by `edit`. */
const contentWith = (edit: (site: Record<string, unknown>) => void): string => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-content-'));
  cpSync(CONTENT_DIR, dir, { recursive: true });
  const site = JSON.parse(readFileSync(join(dir, 'site.json'), 'utf8')) as Record<string, unknown>;
  edit(site);
  writeFileSync(join(dir, 'site.json'), JSON.stringify(site));
  return dir;
};

describe('links in content/site.json', () => {
  it.each([
    ['supportUrl', 'javascript:alert(document.cookie)'],
    ['supportUrl', 'JavaScript:alert(1)'],
    ['supportUrl', ' javascript:alert(1)'],
    ['homepage', 'data:text/html,<script>alert(1)</script>'],
    ['homepage', 'vbscript:msgbox(1)'],
    ['homepage', '//evil.example'],
  ])('refuses %s = %s, naming the field and the file', (field, value) => {
    const dir = contentWith((site) => (site[field] = value));
    try {
      const message = refusal(() => readContent(dir, 'site.json', SiteSettings));
      expect(message).toContain('site.json');
      expect(message).toContain(`${field}:`);
      expect(message).toContain('https://example.com');
    } finally {
      removeDir(dir);
    }
  });

  it('stops the server before it listens, with a message that says what to fix', async () => {
    const content = contentWith((site) => (site.supportUrl = 'javascript:alert(document.cookie)'));
    try {
      const failure = await startServer({ CONTENT_DIR: content }).then(
        async (running) => (await running.stop(), 'it started'),
        (error: Error) => error.message,
      );
      expect(failure).toMatch(/server exited with 1/);
      expect(failure).toContain('supportUrl: must be an http(s) URL');
      expect(failure).not.toContain('Listening at');
    } finally {
      removeDir(content);
    }
  });
});
