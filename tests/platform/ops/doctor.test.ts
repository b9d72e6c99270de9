import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, ROOT } from '../../support/server.ts';

const SECRET = 'doctor-link-secret-0123456789abcdef0123';
const ADMIN = 'doctor-admin-token-0123456789abcdef';
const SMTP_PASSWORD = 'doctor-smtp-password-42';
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function doctor(env: Record<string, string>): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'api', 'cli', 'doctor.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('exit', (status) => resolve({ status, output }));
  });
}

async function startRelay() {
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth: (auth, _s, cb) => (auth.password === SMTP_PASSWORD ? cb(null, { user: auth.username }) : cb(new Error('Invalid username or password'))),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as { port: number }).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('npm run doctor', () => {
  it('passes every check on a sound setup, printing the configuration with its secrets masked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-doctor-'));
    dirs.push(dir);
    const relay = await startRelay();
    try {
      const result = await doctor({
        DATABASE_URL: `file:${join(dir, 'herald.db')}`,
        SNAPSHOT_DIR: join(dir, 'snapshot'),
        HERALD_SECRET: SECRET,
        HERALD_ADMIN_TOKEN: ADMIN,
        SMTP_URL: `smtp://herald:${SMTP_PASSWORD}@127.0.0.1:${relay.port}`,
      });
      expect(result.status, result.output).toBe(0);
      expect(result.output).toMatch(/^PASS {2}database: .*does not exist yet; Herald creates it/m);
      expect(result.output).toMatch(/^PASS {2}snapshot directory: /m);
      expect(result.output).toMatch(/^PASS {2}SMTP relay: smtp:\/\/herald:\[redacted\]@127\.0\.0\.1:\d+: connected, EHLO and login accepted$/m);
      expect(result.output).toMatch(/^PASS {2}content: services\.json: /m);
      expect(result.output).toMatch(/^PASS {2}content: email templates: /m);
      expect(result.output).toMatch(/^PASS {2}content: messages: .*language "en", every key present/m);
      expect(result.output).toMatch(/^ {2}secret = •+ \(set\)$/m);
      expect(result.output).toMatch(/^ {2}adminToken = •+ \(set\)$/m);
      expect(result.output).toContain('All checks passed.');
      for (const secret of [SECRET, ADMIN, SMTP_PASSWORD]) expect(result.output).not.toContain(secret);
      // The doctor only looks: it made no database.
      expect(existsSync(join(dir, 'herald.db'))).toBe(false);
    } finally {
      await relay.close();
    }
  });

  it('fails with exit 1 and a FAIL line for each broken part: relay refusing the login, a relay not there, a broken content file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-doctor-'));
    dirs.push(dir);
    const content = join(dir, 'content');
    cpSync(join(ROOT, 'content'), content, { recursive: true });
    writeFileSync(join(content, 'services.json'), '{ "groups": [ oops');
    const relay = await startRelay();
    try {
      const wrongLogin = await doctor({
        DATABASE_URL: `file:${join(dir, 'herald.db')}`,
        SNAPSHOT_DIR: join(dir, 'snapshot'),
        CONTENT_DIR: content,
        SMTP_URL: `smtp://herald:not-the-password@127.0.0.1:${relay.port}`,
      });
      expect(wrongLogin.status).toBe(1);
      expect(wrongLogin.output).toMatch(/^FAIL {2}SMTP relay: .*Invalid username or password/m);
      expect(wrongLogin.output).toMatch(/^FAIL {2}content: services\.json: /m);
      expect(wrongLogin.output).toMatch(/^PASS {2}content: site\.json: /m);
      expect(wrongLogin.output).toMatch(/^2 check\(s\) failed\.$/m);
      expect(wrongLogin.output).not.toContain('not-the-password');
    } finally {
      await relay.close();
    }
    const noRelay = await doctor({ DATABASE_URL: `file:${join(dir, 'herald.db')}`, SNAPSHOT_DIR: join(dir, 'snapshot'), SMTP_URL: 'smtp://127.0.0.1:9' });
    expect(noRelay.status).toBe(1);
    expect(noRelay.output).toMatch(/^FAIL {2}SMTP relay: smtp:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/m);
  });

  it('fails on a database it cannot open and a snapshot directory it cannot write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-doctor-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'junk.db'), 'this is not a database, not even close to one');
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    const result = await doctor({ DATABASE_URL: `file:${join(dir, 'junk.db')}`, SNAPSHOT_DIR: join(blocker, 'snapshot') });
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/^FAIL {2}database: .*check DATABASE_URL/m);
    expect(result.output).toMatch(/^FAIL {2}snapshot directory: /m);
  });
});
