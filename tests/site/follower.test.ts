import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { follow } from '../../api/site/follower.ts';

/** A sequence others advance, and what this process has handled of it. */
function sequence() {
  const state = { latest: 0, handled: 0, caughtUp: 0, after: 0, settledCalls: 0, errors: [] as unknown[] };
  const options = {
    intervalMs: 2,
    latest: async () => state.latest,
    handled: () => state.handled,
    settled: async () => void state.settledCalls++,
    catchUp: async () => {
      state.caughtUp++;
      state.handled = state.latest;
    },
    after: async () => void state.after++,
    onError: (error: unknown) => void state.errors.push(error),
  };
  return { state, options };
}

describe('following a sequence', () => {
  it('catches up once when the sequence moves past what was handled, and not while it stands still', async () => {
    const { state, options } = sequence();
    const stop = follow(options);
    await sleep(20);
    expect(state.caughtUp).toBe(0);
    state.latest = 3;
    await sleep(20);
    await stop();
    expect(state.caughtUp).toBe(1);
    expect(state.after).toBeGreaterThan(1);
  });

  it('does not catch up what its own work under way handles meanwhile', async () => {
    const { state, options } = sequence();
    const stop = follow({ ...options, settled: async () => void (state.handled = state.latest) });
    state.latest = 5;
    await sleep(20);
    await stop();
    expect(state.caughtUp).toBe(0);
  });

  it('catches nothing up before the first run of its own', async () => {
    const { state, options } = sequence();
    state.handled = -1;
    const stop = follow(options);
    state.latest = 2;
    await sleep(20);
    await stop();
    expect(state.caughtUp).toBe(0);
  });

  it('reports a failed check and keeps checking', async () => {
    const { state, options } = sequence();
    let fail = true;
    const stop = follow({ ...options, latest: async () => (fail ? Promise.reject(new Error('database locked')) : state.latest) });
    await sleep(10);
    fail = false;
    state.latest = 1;
    await sleep(20);
    await stop();
    expect(state.errors.length).toBeGreaterThan(0);
    expect(state.caughtUp).toBe(1);
  });
});
