import { describe, expect, it } from 'vitest';
import { byCodeUnits } from '../../api/shared/order.ts';

describe('ordering machine-made strings', () => {
  it('orders ISO timestamps by time', () => {
    const times = ['2026-11-02T10:00:00.000Z', '2025-12-31T23:59:59.999Z', '2026-11-02T09:59:59.000Z', '2026-01-10T00:00:00.000Z'];
    expect([...times].sort(byCodeUnits)).toEqual([
      '2025-12-31T23:59:59.999Z',
      '2026-01-10T00:00:00.000Z',
      '2026-11-02T09:59:59.000Z',
      '2026-11-02T10:00:00.000Z',
    ]);
  });

  it('orders slugs by their characters, where a collation would skip the hyphen', () => {
    // A collation ignores punctuation at first: 'web-app' would land between 'weba' and 'webb'.
    expect(['webb', 'web-app', 'weba'].sort(byCodeUnits)).toEqual(['web-app', 'weba', 'webb']);
    expect(byCodeUnits('api', 'api')).toBe(0);
  });
});
