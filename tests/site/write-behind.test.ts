import { describe, expect, it } from 'vitest';
import { createWriteBehind } from '../../api/site/write-behind.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (check: () => boolean) => {
  for (let i = 0; !check(); i++) {
    if (i > 500) throw new Error('never happened');
    await sleep(2);
  }
};

/** A target that refuses writes while `broken` is set, and records what it took, in order. */
function target() {
  const state = { broken: null as Error | null, written: [] as string[], attempts: 0, contents: new Map<string, string>() };
  return {
    state,
    write: async (key: string) => {
      state.attempts++;
      const content = state.contents.get(key) ?? '';
      await sleep(1);
      if (state.broken) throw state.broken;
      state.written.push(`${key}=${content}`);
    },
  };
}

const RETRY = { firstMs: 5, maxMs: 20 };

describe('writing behind', () => {
  it('returns at once and writes each marked key in the background', async () => {
    const t = target();
    const writes = createWriteBehind({ write: t.write, retry: RETRY });
    writes.mark('a');
    writes.mark('b');
    expect(t.state.written).toEqual([]);
    expect(writes.status().pending).toBe(2);
    await writes.flushed();
    expect(t.state.written.sort()).toEqual(['a=', 'b=']);
    expect(writes.status()).toEqual({ pending: 0, failing: null });
  });

  it('writes a key marked again before it is written once, with what it holds then', async () => {
    const t = target();
    const writes = createWriteBehind({ write: t.write, retry: RETRY });
    t.state.contents.set('page', 'v1');
    writes.mark('page');
    t.state.contents.set('page', 'v2');
    writes.mark('page');
    await writes.flushed();
    expect(t.state.written).toEqual(['page=v2']);
  });

  it('writes a key again when it is marked while being written', async () => {
    const t = target();
    const writes = createWriteBehind({ write: t.write, retry: RETRY });
    t.state.contents.set('page', 'v1');
    writes.mark('page');
    await until(() => t.state.attempts === 1);
    t.state.contents.set('page', 'v2');
    writes.mark('page');
    await writes.flushed();
    expect(t.state.written).toEqual(['page=v1', 'page=v2']);
  });

  it('writes the keys that vouch for the others last', async () => {
    const t = target();
    const writes = createWriteBehind({ write: t.write, retry: RETRY, isLast: (key) => key.startsWith('note') });
    writes.mark('note');
    for (const key of ['a', 'b', 'c']) writes.mark(key);
    await writes.flushed();
    expect(t.state.written.at(-1)).toBe('note=');
    expect(t.state.written).toHaveLength(4);
  });

  it('keeps retrying a failing target with backoff, reports it, and catches up once it takes writes', async () => {
    const t = target();
    const failures: { first: boolean; retryInMs: number }[] = [];
    const recoveries: number[] = [];
    const writes = createWriteBehind({
      write: t.write,
      retry: RETRY,
      isLast: (key) => key === 'note',
      onFailure: (_error, state) => failures.push({ first: state.first, retryInMs: state.retryInMs }),
      onRecovery: (state) => recoveries.push(state.attempts),
    });
    t.state.broken = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    for (const key of ['a', 'b', 'note']) writes.mark(key);
    await expect(writes.flushed()).rejects.toThrow('ENOSPC');
    await until(() => failures.length >= 3);
    expect(failures.slice(0, 3)).toEqual([
      { first: true, retryInMs: 5 },
      { first: false, retryInMs: 10 },
      { first: false, retryInMs: 20 },
    ]);
    const status = writes.status();
    expect(status.pending).toBe(3);
    expect(String(status.failing?.error)).toContain('ENOSPC');
    // A failing target is probed with one write a pass, not the whole batch.
    const before = t.state.attempts;
    await until(() => failures.length >= 5);
    expect(t.state.attempts - before).toBeLessThanOrEqual(2);
    // Nothing waits on a failing target.
    await writes.settled();

    t.state.broken = null;
    await until(() => writes.status().pending === 0);
    expect(writes.status().failing).toBeNull();
    expect(t.state.written.sort()).toEqual(['a=', 'b=', 'note=']);
    expect(recoveries).toHaveLength(1);
    await writes.flushed();
  });

  it('never writes a vouching key while a key marked before it is unwritten', async () => {
    const t = target();
    const written: string[] = [];
    let refuse = 'b';
    const writes = createWriteBehind({
      write: async (key: string) => {
        await sleep(1);
        if (key === refuse) throw new Error('EROFS: read-only file system');
        written.push(key);
      },
      retry: RETRY,
      isLast: (key) => key === 'note',
    });
    for (const key of ['a', 'b', 'note']) writes.mark(key);
    await until(() => writes.status().failing !== null);
    await sleep(30);
    expect(written).not.toContain('note');
    refuse = '';
    await until(() => writes.status().pending === 0);
    expect(written.at(-1)).toBe('note');
    expect(t.state.written).toEqual([]);
  });
});
