/**
 * A memo that forgets everything once it holds `max` values: cheap to keep, and a pass over
 * more than `max` keys (a full publish renders every update once) costs one rebuild, not an
 * eviction per key. Knows nothing of what it holds.
 * @example const html = boundedMemo<string>(2); html('a', () => render(a)) // rendered once, then remembered
 */
export function boundedMemo<T>(max: number): (key: string, make: () => T) => T {
  let values = new Map<string, T>();
  return (key, make) => {
    let value = values.get(key);
    if (value === undefined) {
      if (values.size >= max) values = new Map();
      values.set(key, (value = make()));
    }
    return value;
  };
}
