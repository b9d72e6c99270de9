/**
 * A cache bounded by bytes rather than by count: the least recently used values go first once
 * their sizes add up past `maxBytes`. A value larger than the whole budget is not kept. Knows
 * nothing of what it holds: the snapshot keeps archive pages read from disk and decompressed
 * pages in two of them.
 */
export class ByteLru<K, V> {
  /** Oldest first: a Map iterates in insertion order, and a hit is moved to the end. */
  readonly #values = new Map<K, V>();
  readonly #maxBytes: number;
  readonly #sizeOf: (value: V) => number;
  #bytes = 0;

  constructor(options: { maxBytes: number; sizeOf: (value: V) => number }) {
    this.#maxBytes = options.maxBytes;
    this.#sizeOf = options.sizeOf;
  }

  /** The value, marked as used now; undefined when not kept. */
  get(key: K): V | undefined {
    const value = this.#values.get(key);
    if (value === undefined) return undefined;
    this.#values.delete(key);
    this.#values.set(key, value);
    return value;
  }

  has(key: K): boolean {
    return this.#values.has(key);
  }

  /** Keeps `value` as the newest, then forgets the oldest values until the total fits. */
  set(key: K, value: V): void {
    this.delete(key);
    const size = this.#sizeOf(value);
    if (size > this.#maxBytes) return;
    this.#values.set(key, value);
    this.#bytes += size;
    for (const [oldest, old] of this.#values) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#values.delete(oldest);
      this.#bytes -= this.#sizeOf(old);
    }
  }

  delete(key: K): void {
    const old = this.#values.get(key);
    if (old === undefined) return;
    this.#values.delete(key);
    this.#bytes -= this.#sizeOf(old);
  }

  /** The sizes of the values kept, added up. */
  get bytes(): number {
    return this.#bytes;
  }
}
