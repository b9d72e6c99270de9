/**
 * Rendered search pages, kept while the site they were rendered from is the one published.
 * A page is filed under its search's key and the generation it was made for (the published
 * site model): when a publish makes a new generation, every page of the old one is forgotten
 * at once, so a search never shows what a publish has since changed. Bounded in entries and
 * characters (keys and pages), least recently used first out. Two requests for the same missing page make it once.
 *
 * @example
 * const cache = createPageCache<object>({ maxEntries: 500, maxBytes: 8 << 20 });
 * await cache.get(model, 'key', async () => ({ body: '<html>…', status: 200 })); // made
 * await cache.get(model, 'key', async () => ({ body: 'never', status: 200 })); // the same page, not made again
 */
export type CachedPage = { body: string; status: number; headers?: Record<string, string> };

export function createPageCache<G extends object>(options: { maxEntries: number; maxBytes: number }) {
  let generation: G | null = null;
  /** Insertion order is recency: a page read is moved to the end. */
  let pages = new Map<string, CachedPage>();
  let bytes = 0;
  let making = new Map<string, Promise<CachedPage>>();

  const forgetAll = (next: G) => {
    generation = next;
    pages = new Map();
    making = new Map();
    bytes = 0;
  };

  // A key is a search as typed: it counts too (a URL may be kilobytes long).
  const sizeOf = (key: string, page: CachedPage) => key.length + page.body.length;
  const keep = (key: string, page: CachedPage) => {
    const size = sizeOf(key, page);
    if (size > options.maxBytes) return;
    pages.set(key, page);
    bytes += size;
    for (const [oldest, old] of pages) {
      if (pages.size <= options.maxEntries && bytes <= options.maxBytes) break;
      pages.delete(oldest);
      bytes -= sizeOf(oldest, old);
    }
  };

  return {
    /** The page under `key` for `current`, if made already. */
    peek(current: G, key: string): CachedPage | undefined {
      if (current !== generation) forgetAll(current);
      const page = pages.get(key);
      if (page) {
        pages.delete(key);
        pages.set(key, page);
      }
      return page;
    },
    /** The page under `key` for `current` being made now, to wait for rather than make again. */
    pending(current: G, key: string): Promise<CachedPage> | undefined {
      return current === generation ? making.get(key) : undefined;
    },
    /**
     * The page under `key` for `current`, made by `make` when missing (once, however many ask
     * meanwhile). A page made while a publish replaced `current` is answered but not kept.
     */
    async get(current: G, key: string, make: () => Promise<CachedPage>): Promise<CachedPage> {
      const cached = this.peek(current, key);
      if (cached) return cached;
      const pending = making.get(key);
      if (pending) return pending;
      const made = make();
      const inFlight = making;
      inFlight.set(key, made);
      try {
        const page = await made;
        if (generation === current) keep(key, page);
        return page;
      } finally {
        inFlight.delete(key);
      }
    },
    /** How much is kept (for tests and metrics). */
    size: () => ({ entries: pages.size, bytes }),
  };
}
