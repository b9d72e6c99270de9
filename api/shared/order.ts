/**
 * Ordering for the machine-made strings Herald sorts: ISO timestamps, slugs, references.
 * Their order is the order of their code units, which `<` gives; `localeCompare` would order
 * by a language's collation — wrong for them in principle, slower, and it loads ICU's
 * collation tables (about 2 MB of resident memory) into a process that otherwise needs none.
 * @example ['2026-11-02T10:00:00Z', '2026-11-01T09:00:00Z'].sort(byCodeUnits) // 1 Nov first
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
