/** The signals settings: PROMETHEUS_URL and its credentials, parsed once at start and kept out of logs. */
import { describe, expect, it } from 'vitest';
import { configSecrets, loadConfig } from '../../../api/platform/config.ts';

describe('PROMETHEUS_URL and its credentials', () => {
  it('are off unless PROMETHEUS_URL is set', () => {
    expect(loadConfig({}).prometheus).toBeNull();
  });

  it('take the query API’s address without a trailing slash, and its credentials as secrets', () => {
    const config = loadConfig({ PROMETHEUS_URL: 'http://prometheus:9090/', PROMETHEUS_BASIC_AUTH: 'herald:pa:ss' });
    expect(config.prometheus).toEqual({ url: 'http://prometheus:9090', bearerToken: null, basicAuth: 'herald:pa:ss' });
    expect(configSecrets(config)).toEqual(expect.arrayContaining(['herald:pa:ss', 'pa:ss']));
    expect(configSecrets(loadConfig({ PROMETHEUS_URL: 'https://mimir.example.com/prometheus', PROMETHEUS_BEARER_TOKEN: 'glc_abc' }))).toContain('glc_abc');
  });

  it.each([
    [{ PROMETHEUS_URL: 'prometheus:9090' }, 'PROMETHEUS_URL'],
    [{ PROMETHEUS_URL: 'http://prometheus:9090/?x=1' }, 'PROMETHEUS_URL: must not have a ?query'],
    [{ PROMETHEUS_URL: 'http://p:9090', PROMETHEUS_BASIC_AUTH: 'no-colon' }, 'PROMETHEUS_BASIC_AUTH: write user:password'],
    [
      { PROMETHEUS_URL: 'http://p:9090', PROMETHEUS_BASIC_AUTH: 'a:b', PROMETHEUS_BEARER_TOKEN: 't' },
      'PROMETHEUS_BASIC_AUTH: set PROMETHEUS_BEARER_TOKEN or PROMETHEUS_BASIC_AUTH, not both',
    ],
  ])('refuses %j, naming %s', (env, words) => {
    expect(() => loadConfig(env)).toThrow(words);
  });
});
