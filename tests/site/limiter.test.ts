import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../api/site/limiter.ts';

describe('a cap on jobs at once', () => {
  it('runs at most the cap at once and every job in the end, first come first served', async () => {
    const limited = createLimiter(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const job = (n: number) =>
      limited(async () => {
        started.push(n);
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return n;
      });
    expect(await Promise.all([1, 2, 3, 4, 5].map(job))).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(started).toEqual([1, 2, 3, 4, 5]);
  });

  it('frees a place when a job fails', async () => {
    const limited = createLimiter(1);
    await expect(limited(async () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    expect(await limited(async () => 'next')).toBe('next');
  });
});
