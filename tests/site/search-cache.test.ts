import { describe, expect, it } from 'vitest';
import { createPageCache } from '../../api/site/search-cache.ts';

const page = (body: string) => async () => ({ body, status: 200 });

describe('the search page cache', () => {
  it('makes a page once for a generation, and again for the next', async () => {
    const cache = createPageCache<object>({ maxEntries: 10, maxBytes: 1000 });
    const first = {};
    let made = 0;
    const make = async () => ({ body: `made ${++made}`, status: 200 });
    expect((await cache.get(first, 'k', make)).body).toBe('made 1');
    expect((await cache.get(first, 'k', make)).body).toBe('made 1');
    const second = {};
    expect(cache.peek(second, 'k')).toBeUndefined();
    expect((await cache.get(second, 'k', make)).body).toBe('made 2');
  });

  it('makes a page asked for twice at once only once', async () => {
    const cache = createPageCache<object>({ maxEntries: 10, maxBytes: 1000 });
    const generation = {};
    let made = 0;
    let finish: () => void = () => {};
    const make = () => new Promise<{ body: string; status: number }>((resolve) => (finish = () => resolve({ body: `made ${++made}`, status: 200 })));
    const a = cache.get(generation, 'k', make);
    expect(cache.pending(generation, 'k')).toBeDefined();
    const b = cache.get(generation, 'k', make);
    finish();
    expect([(await a).body, (await b).body]).toEqual(['made 1', 'made 1']);
    expect(cache.pending(generation, 'k')).toBeUndefined();
  });

  it('answers but does not keep a page made while a new generation came', async () => {
    const cache = createPageCache<object>({ maxEntries: 10, maxBytes: 1000 });
    const old = {};
    const next = {};
    let finish: () => void = () => {};
    const made = cache.get(old, 'k', () => new Promise((resolve) => (finish = () => resolve({ body: 'old', status: 200 }))));
    expect(cache.peek(next, 'k')).toBeUndefined();
    finish();
    expect((await made).body).toBe('old');
    expect(cache.peek(next, 'k')).toBeUndefined();
    expect(cache.size()).toEqual({ entries: 0, bytes: 0 });
  });

  it('forgets the least recently used pages past its bounds', async () => {
    const cache = createPageCache<object>({ maxEntries: 3, maxBytes: 12 });
    const g = {};
    await cache.get(g, 'a', page('aa'));
    await cache.get(g, 'b', page('bb'));
    await cache.get(g, 'c', page('cc'));
    cache.peek(g, 'a');
    await cache.get(g, 'd', page('dd'));
    // Four entries are over 3 (and 4 × 3 characters, key and page, is 12): b, the least recently read, went first.
    expect(cache.peek(g, 'b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((k) => cache.peek(g, k)?.body)).toEqual(['aa', 'cc', 'dd']);
    // A long key counts: it pushes out older pages to stay within the characters.
    await cache.get(g, 'eeeeee', page('e'));
    expect(cache.size().bytes).toBeLessThanOrEqual(12);
    expect(cache.peek(g, 'eeeeee')?.body).toBe('e');
    await cache.get(g, 'f', page('ffffffffffffffff'));
    expect(cache.peek(g, 'f')).toBeUndefined();
  });
});
