import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkTargetAtRegistration, isForbiddenAddress } from '../../api/platform/delivery/ssrf.ts';
import { makeSubscriberApp, type SubscriberApp } from '../support/subscribers.ts';

describe('which addresses a webhook may reach', () => {
  it.each([
    // IPv4 special-purpose space
    ['0.0.0.0', true],
    ['10.1.2.3', true],
    ['100.64.0.1', true],
    ['127.0.0.1', true],
    ['169.254.169.254', true],
    ['172.16.5.4', true],
    ['192.0.0.8', true],
    ['192.0.2.1', true],
    ['192.88.99.1', true],
    ['192.168.1.1', true],
    ['198.18.0.1', true],
    ['198.51.100.2', true],
    ['203.0.113.3', true],
    ['224.0.0.1', true],
    ['255.255.255.255', true],
    // IPv6 special-purpose space
    ['::', true],
    ['::1', true],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['fc00::1', true],
    ['fd12:3456::1', true],
    ['fec0::1', true],
    ['ff02::1', true],
    ['100::1', true],
    ['2001:db8::1', true],
    ['3fff::1', true],
    ['5f00::1', true],
    // IPv4 inside IPv6: mapped, compatible, translated, NAT64, 6to4, Teredo
    ['::ffff:127.0.0.1', true],
    ['::ffff:93.184.216.34', true],
    ['::127.0.0.1', true],
    ['::ffff:0:10.0.0.1', true],
    ['64:ff9b::7f00:1', true],
    ['64:ff9b::a00:1', true],
    ['64:ff9b:1::a00:1', true],
    ['2002:7f00:1::', true],
    ['2002:a00:1::1', true],
    ['2002:5db8:d822::1', true],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', true],
    ['2001::1', true],
    ['2001:2::1', true],
    // Not addresses at all
    ['localhost', true],
    ['', true],
    ['1.2.3', true],
    // Public
    ['93.184.216.34', false],
    ['8.8.8.8', false],
    ['1.1.1.1', false],
    ['172.32.0.1', false],
    ['100.128.0.1', false],
    ['2606:4700:4700::1111', false],
    ['2a00:1450:4001:80b::200e', false],
    ['2001:4860:4860::8888', false],
    ['2620:fe::fe', false],
  ])('%s → forbidden: %s', (address, forbidden) => {
    expect(isForbiddenAddress(address)).toBe(forbidden);
  });
});

describe('a name is resolved when a webhook is registered', () => {
  const resolvingTo =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address }));

  it.each([
    ['a private address', ['10.0.0.7'], /resolves to 10\.0\.0\.7/],
    ['a public and a private address', ['93.184.216.34', '192.168.0.2'], /resolves to 192\.168\.0\.2/],
    ['a 6to4 address', ['2002:a00:1::1'], /resolves to 2002:a00:1::1/],
    ['a Teredo address', ['2001:0:4136:e378:8000:63bf:3fff:fdd2'], /resolves to 2001:0:4136/],
    ['no address', [], /resolves to no address/],
  ])('refuses a name that resolves to %s', async (_name, addresses, reason) => {
    await expect(checkTargetAtRegistration(new URL('https://hooks.example.test/x'), false, resolvingTo(...addresses))).rejects.toThrow(reason);
  });

  it('accepts a name that resolves to public addresses only', async () => {
    await expect(
      checkTargetAtRegistration(new URL('https://hooks.example.test/x'), false, resolvingTo('93.184.216.34', '2606:4700:4700::1111')),
    ).resolves.toBeUndefined();
  });
});

describe('POST /api/admin/webhooks', () => {
  let t: SubscriberApp;
  beforeEach(async () => {
    t = await makeSubscriberApp({ hooks: { allowLocal: false } });
  });
  afterEach(async () => {
    await t.close();
  });
  const count = async () => Number((await t.db.execute('SELECT count(*) AS n FROM webhooks')).rows[0]?.n);

  it.each([
    ['http://93.184.216.34/hook', 'https'],
    ['https://127.0.0.1/hook', '127.0.0.1 is a loopback, private or link-local address'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254 is a loopback'],
    ['https://2130706433/hook', '127.0.0.1 is a loopback'],
    ['https://0x7f000001/hook', '127.0.0.1 is a loopback'],
    ['https://[::1]/hook', '::1 is a loopback'],
    ['https://[::ffff:10.0.0.1]/hook', 'is a loopback, private'],
    ['https://[64:ff9b::a00:1]/hook', '64:ff9b::a00:1 is a loopback'],
    ['https://[2002:a00:1::1]/hook', '2002:a00:1::1 is a loopback'],
    ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook', 'is a loopback, private'],
    ['https://localhost/hook', 'localhost resolves to'],
    ['https://no-such-host.invalid/hook', 'no-such-host.invalid does not resolve'],
  ])('refuses %s with a 400 that says why', async (url, reason) => {
    const res = await t.request('POST', '/api/admin/webhooks', { json: { url } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.fields[0]).toMatchObject({ path: 'url' });
    expect(res.json.error.message).toContain(reason);
    expect(await count()).toBe(0);
  });

  it.each(['https://93.184.216.34/hook', 'https://[2606:4700:4700::1111]/hook'])('accepts a public target: %s', async (url) => {
    expect((await t.request('POST', '/api/admin/webhooks', { json: { url } })).status).toBe(201);
  });
});
