import { describe, expect, it } from 'vitest';
import { ByteLru } from '../../api/site/byte-lru.ts';

const cache = (maxBytes: number) => new ByteLru<string, string>({ maxBytes, sizeOf: (value) => value.length });

describe('a cache bounded by bytes', () => {
  it('forgets the least recently used values once the sizes add up past the bound', () => {
    const lru = cache(10);
    lru.set('a', 'aaaa');
    lru.set('b', 'bbbb');
    expect(lru.get('a')).toBe('aaaa');
    lru.set('c', 'cccc');
    expect(lru.has('b')).toBe(false);
    expect(lru.get('a')).toBe('aaaa');
    expect(lru.get('c')).toBe('cccc');
    expect(lru.bytes).toBe(8);
  });

  it('counts a replaced value once, and a deleted one not at all', () => {
    const lru = cache(10);
    lru.set('a', 'aaaa');
    lru.set('a', 'aaaaaa');
    expect(lru.bytes).toBe(6);
    lru.delete('a');
    expect(lru.bytes).toBe(0);
    expect(lru.get('a')).toBeUndefined();
  });

  it('does not keep a value larger than the whole bound', () => {
    const lru = cache(4);
    lru.set('small', 'ab');
    lru.set('huge', 'abcdefgh');
    expect(lru.has('huge')).toBe(false);
    expect(lru.get('small')).toBe('ab');
  });
});
