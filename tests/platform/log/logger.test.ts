import { describe, expect, it } from 'vitest';
import { routeGroup } from '../../../api/platform/http/observe.ts';
import { childLog } from '../../../api/platform/log/log.ts';
import { requestContext } from '../../../api/platform/log/context.ts';
import { createAccessLog, createLogger, toLog } from '../../../api/platform/log/logger.ts';
import { prettyLine } from '../../../api/platform/log/pretty.ts';
import { makeScrubber, scrubPath } from '../../../api/platform/log/scrub.ts';

function capture(format: 'json' | 'pretty' = 'json', secrets: string[] = []) {
  const lines: string[] = [];
  const log = toLog(createLogger({ format, secrets, destination: { write: (l: string) => lines.push(l) } }));
  return { log, lines, json: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

describe('the Log call shape on pino', () => {
  it("turns log.error('[X] failed:', error) into one line with the error's message and an err field", () => {
    const { log, json } = capture();
    log.error('[Outbox] A sender batch failed:', new Error('connection refused'));
    const [line] = json();
    expect(line).toMatchObject({
      level: 'error',
      msg: '[Outbox] A sender batch failed: connection refused',
      err: { type: 'Error', message: 'connection refused' },
    });
    expect(line?.err.stack).toContain('connection refused');
    expect(Number.isNaN(Date.parse(line?.time))).toBe(false);
  });

  it('merges plain objects as fields and keeps extra strings in the message', () => {
    const { log, json } = capture();
    log.warn('[A] one', 'two', { count: 3 });
    expect(json()[0]).toMatchObject({ level: 'warn', msg: '[A] one two', count: 3 });
  });

  it('names the job of a child log and the request of a line written inside one', () => {
    const { log, json } = capture();
    childLog(log, { job: 'outbox' }).info('[Outbox] tick');
    requestContext.run({ reqId: 'req-1' }, () => log.info('[HTTP] inside'));
    expect(json()).toEqual([
      expect.objectContaining({ job: 'outbox', msg: '[Outbox] tick' }),
      expect.objectContaining({ reqId: 'req-1', msg: '[HTTP] inside' }),
    ]);
  });

  it('redacts secret fields and secret values wherever they appear', () => {
    const { log, lines } = capture('json', ['the-herald-secret-value-123456']);
    log.info('[X] config', { password: 'hunter2-hunter2', nested: { token: 'abc-def-ghi-jkl' } });
    log.error('[X] failed with the-herald-secret-value-123456 inside:', new Error('smtp://user:p%40ss-word@mail.example.com:587 refused'));
    const all = lines.join('');
    for (const secret of ['hunter2-hunter2', 'abc-def-ghi-jkl', 'the-herald-secret-value-123456', 'p%40ss-word']) expect(all).not.toContain(secret);
    expect(all).toContain('smtp://user:[redacted]@mail.example.com:587');
  });

  it('blanks credential fields at any depth, whatever their value, and leaves other lines alone', () => {
    const { log, lines, json } = capture();
    log.info('[X] deep', {
      a: { b: { password: 'deep-secret-1' } },
      headers: { 'set-cookie': ['herald_session=abc; HttpOnly', 'x=1'] },
      smtpUrl: 'smtp://u:p@h',
      token: 12345678,
    });
    log.info('GET / 200 0.03 ms', { path: '/', status: 200, note: 'a "quoted" word' });
    const all = lines.join('');
    for (const secret of ['deep-secret-1', 'herald_session=abc', '12345678', 'u:p@h']) expect(all).not.toContain(secret);
    expect(json()[0]).toMatchObject({ a: { b: { password: '[redacted]' } }, headers: { 'set-cookie': '[redacted]' }, token: '[redacted]' });
    expect(json()[1]).toMatchObject({ msg: 'GET / 200 0.03 ms', path: '/', status: 200, note: 'a "quoted" word' });
  });

  it('writes a published file’s access line exactly as log.info would, in JSON and pretty', () => {
    const entry = { reqId: 'r-1"x', method: 'GET', path: '/incidents/INC-4', route: 'page', status: 200, ms: 0.03, bytes: 4021 };
    for (const format of ['json', 'pretty'] as const) {
      const viaLog = capture(format);
      viaLog.log.info(`GET /incidents/INC-4 200 0.03 ms`, entry);
      const lines: string[] = [];
      createAccessLog({ format, destination: { write: (l: string) => lines.push(l) } })(entry);
      const withoutTime = (line: string) => line.replace(/"time":"[^"]+"/, '').replace(/^\d\d:\d\d:\d\d\.\d{3}/, '');
      expect(lines.map(withoutTime)).toEqual(viaLog.lines.map(withoutTime));
    }
  });

  it('writes a readable line in pretty mode', () => {
    const { log, lines } = capture('pretty');
    childLog(log, { job: 'maintenance' }).info('[Maintenance] Moved MNT-1.');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[Maintenance\] Moved MNT-1\. \(maintenance\)\n$/);
  });
});

describe('the pretty log', () => {
  const forged = 'API down\r\n12:00:00.000 INFO  [Auth] admin@example.com signed in\u001b[2K\u2028';

  it('keeps each entry on its own line, whatever its text holds (CR, LF, ESC, U+2028)', () => {
    const { log, lines } = capture('pretty');
    log.warn('[Outbox] 1 of 1 webhooks deliveries failed; first:', forged, { title: forged });
    log.error('[HTTP] POST /api/admin/incidents failed:', new Error(forged));
    const [warning, error] = lines;
    expect(warning?.match(/\n/g)).toHaveLength(1);
    expect(warning).toContain('API down\\r\\n12:00:00.000 INFO  [Auth] admin@example.com signed in\\u001b[2K\\u2028');
    // The error's stack: its frames are lines of their own, indented; its message is not.
    const errorLines = (error ?? '').split('\n').filter(Boolean);
    expect(errorLines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR /);
    expect(errorLines.slice(1).every((line) => line.startsWith('    '))).toBe(true);
    expect(errorLines[1]).toContain('Error: API down\\r\\n12:00:00.000');
    const all = lines.join('');
    for (const raw of ['\r', '\u001b', '\u2028']) expect(all).not.toContain(raw);
    expect(all.split('\n').filter((line) => /^\d\d:\d\d:\d\d\.\d{3} /.test(line))).toHaveLength(2);
  });

  it('writes such text as JSON escapes in the JSON log, as it always did', () => {
    const { log, lines, json } = capture('json');
    log.warn('[X]', forged);
    expect(lines[0]?.match(/\n/g)).toHaveLength(1);
    expect(json()[0]?.msg).toBe(`[X] ${forged}`);
  });
});

describe('scrubbing', () => {
  it.each([
    ['/subscribe/confirm/1.abcDEF_-123', '/subscribe/confirm/[redacted]'],
    ['/subscribe/manage/1.abc?x=1', '/subscribe/manage/[redacted]'],
    ['/unsubscribe/1.abc', '/unsubscribe/[redacted]'],
    ['/api/admin/subscribers?q=ann@example.com', '/api/admin/subscribers'],
    ['/incidents/INC-4', '/incidents/INC-4'],
  ])('logs %s as %s', (path, logged) => expect(scrubPath(path)).toBe(logged));

  it('takes bearer tokens and URL passwords out of free text', () => {
    const scrub = makeScrubber([]);
    expect(scrub('Authorization: Bearer abc.def-123')).toBe('Authorization: Bearer [redacted]');
    expect(scrub('libsql://db.example.com?authToken=xyz123')).toBe('libsql://db.example.com?authToken=[redacted]');
  });

  it('leaves a line that is not JSON as it is in pretty mode', () => expect(prettyLine('plain')).toBe('plain\n'));
});

describe('route groups for metric labels', () => {
  it.each([
    ['/', 'page'],
    ['/incidents/INC-42', 'page'],
    ['/feed.xml', 'feed'],
    ['/services/api/feed.xml', 'feed'],
    ['/api/v2/summary.json', 'statuspage-api'],
    ['/api/admin/incidents/INC-4/updates', 'admin-api:incidents'],
    ['/API/Admin/Incidents', 'admin-api:incidents'],
    ['/api/admin/whatever', 'admin-api'],
    ['/admin/incidents/INC-4', 'desk'],
    ['/unsubscribe/[redacted]', 'subscribe'],
    ['/healthz/freshness', 'health'],
    ['/metrics', 'metrics'],
    ['/_astro/site.css', 'asset'],
  ])('%s is %s', (path, group) => expect(routeGroup(path)).toBe(group));
});
