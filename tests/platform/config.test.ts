import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/platform/config.ts';

describe('freshness settings', () => {
  it('default to the plan: a pass every 30 s, escalations every 15 min, at most 4, no webhook', () => {
    expect(loadConfig({}).freshness).toEqual({ webhookUrl: null, checkSeconds: 30, escalation: { repeatMinutes: 15, maxEscalations: 4 } });
  });

  it('read the environment', () => {
    const config = loadConfig({ FRESHNESS_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x', FRESHNESS_CHECK_SECONDS: '5', FRESHNESS_ESCALATION_MINUTES: '10', FRESHNESS_MAX_ESCALATIONS: '2' });
    expect(config.freshness).toEqual({ webhookUrl: 'https://hooks.slack.com/services/T/B/x', checkSeconds: 5, escalation: { repeatMinutes: 10, maxEscalations: 2 } });
  });

  it.each([
    ['FRESHNESS_CHECK_SECONDS', '60', 'at most 30'],
    ['FRESHNESS_CHECK_SECONDS', '0', 'at least 1'],
    ['FRESHNESS_WEBHOOK_URL', 'ftp://example.com/hook', 'Slack-style incoming webhook'],
    ['FRESHNESS_MAX_ESCALATIONS', '0', 'FRESHNESS_MAX_ESCALATIONS'],
  ])('refuse %s=%s, naming it and what to do', (name, value, words) => {
    let message = '';
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`${name}:`);
    expect(message).toContain(words);
  });
});

describe('the access log of published files', () => {
  it('is summed by default, a line each on request, and refuses anything else naming the choices', () => {
    expect(loadConfig({}).logReads).toBe('summary');
    expect(loadConfig({ LOG_READS: 'each' }).logReads).toBe('each');
    expect(() => loadConfig({ LOG_READS: 'all' })).toThrow(/LOG_READS:.*use summary .* or each/);
  });
});
