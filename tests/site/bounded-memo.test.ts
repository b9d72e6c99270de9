import { describe, expect, it } from 'vitest';
import { boundedMemo } from '../../api/site/bounded-memo.ts';

describe('a memo that forgets everything at its bound', () => {
  it('makes each value once while it holds fewer than its bound', () => {
    const memo = boundedMemo<string>(3);
    let made = 0;
    const make = (key: string) => memo(key, () => (made++, key.toUpperCase()));
    expect([make('a'), make('b'), make('a'), make('b')]).toEqual(['A', 'B', 'A', 'B']);
    expect(made).toBe(2);
  });

  it('starts afresh once full, so its size never passes the bound', () => {
    const memo = boundedMemo<number>(2);
    let made = 0;
    for (const key of ['a', 'b', 'c', 'a']) memo(key, () => ++made);
    // 'c' found it full and cleared it: 'a' is made again.
    expect(made).toBe(4);
    expect(memo('c', () => -1)).toBe(3);
  });
});
