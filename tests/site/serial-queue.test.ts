import { describe, expect, it } from 'vitest';
import { coalescing, createSerialQueue } from '../../api/site/serial-queue.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A job that runs until released, recording when it starts and ends. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { release, work: async () => (log.push(`${name} starts`), await released, log.push(`${name} ends`), name) };
}

describe('a serial queue', () => {
  it('runs one job at a time, in the order asked', async () => {
    const queue = createSerialQueue();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const results = [queue.run(a.work), queue.run(b.work)];
    await tick();
    expect(log).toEqual(['a starts']);
    b.release();
    a.release();
    expect(await Promise.all(results)).toEqual(['a', 'b']);
    expect(log).toEqual(['a starts', 'a ends', 'b starts', 'b ends']);
  });

  it('keeps going after a job fails, and drains once everything queued has run', async () => {
    const queue = createSerialQueue();
    const failed = queue.run(async () => {
      throw new Error('render failed');
    });
    const next = queue.run(async () => 'next');
    await expect(failed).rejects.toThrow('render failed');
    await queue.drained();
    expect(await next).toBe('next');
  });
});

describe('coalescing requests', () => {
  const union = (a: number[], b: number[]) => [...new Set([...a, ...b])].sort();

  it('merges requests made while one waits into that one, and answers them all with its result', async () => {
    const queue = createSerialQueue();
    const log: string[] = [];
    const busy = gate(log, 'busy');
    void queue.run(busy.work);
    const runs: number[][] = [];
    const request = coalescing<number[], number[]>({ queue, merge: union, empty: [], work: async (scope) => (runs.push(scope), scope) });
    const answers = [request([1]), request([2]), request([1, 3])];
    busy.release();
    expect(await Promise.all(answers)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it('starts a new run for a request made once the waiting one has started', async () => {
    const queue = createSerialQueue();
    const runs: number[][] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const request = coalescing<number[], void>({ queue, merge: union, empty: [], work: async (scope) => (runs.push(scope), await held) });
    const first = request([1]);
    await tick();
    const second = request([2]);
    release();
    await Promise.all([first, second]);
    expect(runs).toEqual([[1], [2]]);
  });

  it('owes a failed run’s scope to the next run', async () => {
    const queue = createSerialQueue();
    const runs: number[][] = [];
    let fail = true;
    const request = coalescing<number[], void>({
      queue,
      merge: union,
      empty: [],
      work: async (scope) => {
        runs.push(scope);
        if (fail) throw new Error('disk gone');
      },
    });
    await expect(request([4])).rejects.toThrow('disk gone');
    fail = false;
    await request([5]);
    await request([6]);
    expect(runs).toEqual([[4], [4, 5], [6]]);
  });
});
