import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/platform/config.ts';

describe('freshness settings', () => {
  it('default to the plan: a pass every 30 s, escalations every 15 min, at most 4, no webhook', () => {
    expect(loadConfig({}).freshness).toEqual({ webhookUrl: null, checkSeconds: 30, escalation: { repeatMinutes: 15, maxEscalations: 4 } });
  });

  it('read the environment', () => {
    const config = loadConfig({
      FRESHNESS_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x',
      FRESHNESS_CHECK_SECONDS: '5',
      FRESHNESS_ESCALATION_MINUTES: '10',
      FRESHNESS_MAX_ESCALATIONS: '2',
    });
    expect(config.freshness).toEqual({
      webhookUrl: 'https://hooks.slack.com/services/T/B/x',
      checkSeconds: 5,
      escalation: { repeatMinutes: 10, maxEscalations: 2 },
    });
  });

  it.each([
    ['FRESHNESS_CHECK_SECONDS', '60', 'at most 30'],
    ['FRESHNESS_CHECK_SECONDS', '0', 'at least 1'],
    ['FRESHNESS_WEBHOOK_URL', 'ftp://example.com/hook', 'Slack-style incoming webhook'],
    ['FRESHNESS_MAX_ESCALATIONS', '0', 'FRESHNESS_MAX_ESCALATIONS'],
    ['SMTP_POOL_SIZE', '0', 'at least 1 connection'],
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

describe('the SMTP pool', () => {
  it('holds 8 connections to the relay by default, as many as SMTP_POOL_SIZE says otherwise', () => {
    expect(loadConfig({}).smtpPoolSize).toBe(8);
    expect(loadConfig({ SMTP_POOL_SIZE: '20' }).smtpPoolSize).toBe(20);
  });
});

describe('the access log of published files', () => {
  it('is summed by default, a line each on request, and refuses anything else naming the choices', () => {
    expect(loadConfig({}).logReads).toBe('summary');
    expect(loadConfig({ LOG_READS: 'each' }).logReads).toBe('each');
    expect(() => loadConfig({ LOG_READS: 'all' })).toThrow(/LOG_READS:.*use summary .* or each/);
  });
});

describe('mirror settings', () => {
  it('are off by default, and read the command into words with a 10-minute limit and a 2-minute lag before /healthz turns red', () => {
    expect(loadConfig({}).mirror).toBeNull();
    expect(loadConfig({ MIRROR_COMMAND: 'rclone copy --files-from {files} {dir} "r2:status page"' }).mirror).toEqual({
      command: ['rclone', 'copy', '--files-from', '{files}', '{dir}', 'r2:status page'],
      timeoutSeconds: 600,
      maxLagSeconds: 120,
    });
    expect(
      loadConfig({ MIRROR_COMMAND: 'rsync -a {dir}/ backup:/srv/status/', MIRROR_TIMEOUT_SECONDS: '60', MIRROR_MAX_LAG_SECONDS: '30' }).mirror,
    ).toMatchObject({ timeoutSeconds: 60, maxLagSeconds: 30 });
  });

  it('refuse a command that does not read as one, naming it and how to write it', () => {
    expect(() => loadConfig({ MIRROR_COMMAND: 'rclone copy "{dir} r2:status' })).toThrow(
      /MIRROR_COMMAND: a double quote is not closed; write the command as in a shell/,
    );
    expect(() => loadConfig({ MIRROR_MAX_LAG_SECONDS: '0' })).toThrow(/MIRROR_MAX_LAG_SECONDS: use at least 1/);
  });
});

describe('maintenance reminder settings', () => {
  it('reminds 24 h and 1 h before a window by default, reads other lead times, and "none"', () => {
    expect(loadConfig({}).maintenanceReminderMinutes).toEqual([1440, 60]);
    expect(loadConfig({ MAINTENANCE_REMINDERS: '1h, 2d, 30m' }).maintenanceReminderMinutes).toEqual([2880, 60, 30]);
    expect(loadConfig({ MAINTENANCE_REMINDERS: 'none' }).maintenanceReminderMinutes).toEqual([]);
  });

  it('refuses lead times it cannot read, naming the variable and the way to write them', () => {
    expect(() => loadConfig({ MAINTENANCE_REMINDERS: '1 week' })).toThrow(/MAINTENANCE_REMINDERS: "1 week" is not a lead time: write a number and a unit/);
    expect(() => loadConfig({ MAINTENANCE_REMINDERS: '31d' })).toThrow(/MAINTENANCE_REMINDERS: a lead time can be at most 30 days/);
  });
});
