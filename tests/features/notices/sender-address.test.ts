/**
 * The default sender when MAIL_FROM is not set: built from PUBLIC_URL's host, valid even when
 * that host is an IP address, and sent through a real SMTP server as it would be.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../../api/platform/delivery/mailer.ts';
import { mailFrom } from '../../../api/features/notices/wire.ts';
import { startSmtpSink, type SmtpSink } from '../../support/sinks.ts';

const settings = { title: 'Example "Cloud" Status' };

describe('the default sender', () => {
  it.each([
    ['https://status.example.com', 'status@status.example.com', false],
    ['http://127.0.0.1:4321', 'status@[127.0.0.1]', true],
    ['http://[::1]:4321', 'status@[IPv6:::1]', true],
    ['http://localhost:4321', 'status@localhost.localdomain', true],
  ])('for PUBLIC_URL %s is %s', (publicUrl, address, warns) => {
    const sender = mailFrom({ publicUrl, mailFrom: undefined }, settings);
    expect(sender).toMatchObject({ from: `"Example Cloud Status" <${address}>`, address });
    expect(sender.warning !== null).toBe(warns);
  });

  it('never comes from localhost.localdomain for an IP address', () => {
    expect(mailFrom({ publicUrl: 'http://127.0.0.1:4321', mailFrom: undefined }, settings).address).not.toContain('localhost');
  });

  it('says to set MAIL_FROM when the host is not a domain name, and is MAIL_FROM when set', () => {
    expect(mailFrom({ publicUrl: 'http://127.0.0.1:4321', mailFrom: undefined }, settings).warning).toMatch(
      /^\[Mail\] PUBLIC_URL's host \(127\.0\.0\.1\) is not a domain name, so mail comes from status@\[127\.0\.0\.1\]; .*Set MAIL_FROM/,
    );
    expect(mailFrom({ publicUrl: 'http://127.0.0.1:4321', mailFrom: 'Ops <ops@example.com>' }, settings)).toEqual({
      from: 'Ops <ops@example.com>',
      address: 'ops@example.com',
      warning: null,
    });
  });
});

describe('an address-literal sender over SMTP', () => {
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await startSmtpSink();
  });
  afterAll(async () => {
    await smtp.close();
  });

  it.each([
    ['http://127.0.0.1:4321', 'status@[127.0.0.1]'],
    ['http://[::1]:4321', 'status@[IPv6:::1]'],
  ])('is accepted and delivered for %s', async (publicUrl, address) => {
    smtp.mails.length = 0;
    const mailer = createMailer({ smtpUrl: smtp.url, from: mailFrom({ publicUrl, mailFrom: undefined }, settings).from, outboxDir: '/nonexistent' });
    const info = await mailer.send({ to: 'ann@example.com', subject: 'Hello', text: 'Hi.', html: '<p>Hi.</p>' });
    mailer.close();
    expect(info.accepted).toBe(true);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.from.toLowerCase()).toBe(address.toLowerCase()); // the envelope (MAIL FROM)
    expect(smtp.mails[0]?.parsed.from?.value[0]?.address?.toLowerCase()).toBe(address.toLowerCase()); // the From: header (a domain is case-insensitive)
  });
});
