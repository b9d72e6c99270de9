import { describe, expect, it } from 'vitest';
import { createReadTally } from '../../../api/platform/log/reads.ts';
import { createLogger, toLog } from '../../../api/platform/log/logger.ts';

function capture() {
  const lines: string[] = [];
  const log = toLog(createLogger({ format: 'json', secrets: [], destination: { write: (l: string) => lines.push(l) } }));
  return { log, json: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

const entry = (path: string, status: number, ms: number, bytes: number) => ({ reqId: 'r', method: 'GET', path, route: 'page', status, ms, bytes });

describe('the summed access log of published files', () => {
  it('writes one line per interval with the answers by status, the bytes, the busiest paths and the slowest answer', () => {
    const { log, json } = capture();
    let now = 1_000_000;
    const reads = createReadTally(log, () => now);
    for (let i = 0; i < 7; i++) reads.add(entry('/', 200, 0.2, 7600));
    reads.add(entry('/', 304, 0.1, 0));
    reads.add(entry('/incidents/INC-4', 200, 3.25, 4021));
    reads.add(entry('/feed.xml', 200, 0.3, 1200));
    now += 10_000;
    reads.flush();
    const [line] = json();
    expect(line).toMatchObject({
      level: 'info',
      msg: '[Access] Published files: 10 answers in 10.0 s (200: 9, 304: 1), 58.4 kB; slowest 3.25 ms GET /incidents/INC-4',
      reads: 10,
      seconds: 10,
      statuses: { '200': 9, '304': 1 },
      bytes: 58_421,
      busiest: { '/': 8, '/incidents/INC-4': 1, '/feed.xml': 1 },
      slowest: { method: 'GET', path: '/incidents/INC-4', status: 200, ms: 3.25 },
    });
    // Not an access line of one request: no numeric status field.
    expect(line?.status).toBeUndefined();
  });

  it('writes nothing for an interval without answers, and starts each interval afresh', () => {
    const { log, json } = capture();
    let now = 0;
    const reads = createReadTally(log, () => now);
    now = 10_000;
    reads.flush();
    expect(json()).toEqual([]);
    reads.add(entry('/', 200, 1, 10));
    now = 15_000;
    reads.flush();
    now = 25_000;
    reads.flush();
    expect(json()).toHaveLength(1);
    expect(json()[0]).toMatchObject({ msg: '[Access] Published files: 1 answer in 5.0 s (200: 1), 10 B; slowest 1 ms GET /', reads: 1, seconds: 5 });
  });

  it('names at most five busiest paths and keeps counting past a thousand distinct ones', () => {
    const { log, json } = capture();
    const reads = createReadTally(log, () => 0);
    for (let i = 0; i < 3; i++) reads.add(entry('/', 200, 0.1, 1));
    for (let i = 0; i < 1500; i++) reads.add(entry(`/incidents/INC-${i}`, 200, 0.1, 1));
    reads.flush();
    const [line] = json();
    expect(line?.reads).toBe(1503);
    expect(Object.keys(line?.busiest)).toHaveLength(5);
    expect(line?.busiest['(other paths)']).toBe(501);
    expect(line?.busiest['/']).toBe(3);
  });
});
