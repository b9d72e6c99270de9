/**
 * The compressed forms every published file is kept in (brotli and gzip: every browser, CDN
 * and feed reader takes one), and how hard to compress each.
 */
import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from 'node:zlib';
import { createLimiter } from './limiter.ts';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export type CompressedForms = { gzip: Buffer; br: Buffer };

/** How hard to compress: `best` for what readers fetch most, `fast` for bulk (a full publish, an export). */
export type Effort = 'best' | 'fast';

/** Brotli's best quality is ~30× slower than quality 5 for ~3 % fewer bytes: worth it only on small, hot files. */
const BEST_BROTLI_MAX_BYTES = 24 * 1024;

/** Compressions in flight at once: each holds its own window, and the thread pool has four threads anyway. */
const COMPRESSING = 4;
const limited = createLimiter(COMPRESSING);

const COMPRESSIBLE = /^(text\/|application\/(json|rss\+xml|atom\+xml|manifest\+json)|image\/svg)/;

/** Whether files of this media type are worth compressing (text is; PNGs and icons are not). */
export const isCompressible = (type: string): boolean => COMPRESSIBLE.test(type);

const brotliParams = (size: number, effort: Effort) => ({
  params: {
    [constants.BROTLI_PARAM_QUALITY]: effort === 'best' && size <= BEST_BROTLI_MAX_BYTES ? 11 : 5,
    [constants.BROTLI_PARAM_SIZE_HINT]: size,
    // A window no larger than the file: brotli's default (4 MB, more at quality 11) per stream is what a burst of compressions costs in memory.
    [constants.BROTLI_PARAM_LGWIN]: Math.max(16, Math.min(22, Math.ceil(Math.log2(size + 1)) + 1)),
  },
});

/** `body` compressed on libuv's thread pool, so a publish never blocks readers. */
export function compress(body: Buffer, effort: Effort): Promise<CompressedForms> {
  return limited(() => Promise.all([gzipAsync(body, { level: effort === 'best' ? 9 : 6 }), brotliAsync(body, brotliParams(body.length, effort))])).then(
    ([gz, br]) => ({ gzip: gz, br }),
  );
}

/** The same at once, for a file a reader is waiting for (an archive page read from disk without its copies). */
export const compressNow = (body: Buffer): CompressedForms => ({
  gzip: gzipSync(body, { level: 6 }),
  br: brotliCompressSync(body, brotliParams(body.length, 'fast')),
});

/**
 * The effort for each file of a publish. Brotli's best quality costs ~30× its quality 5 for a
 * few per cent fewer bytes: only the home page, by far the most read, is worth it on the way
 * to a write's 201.
 * @example publishEffort('best')('/incidents/INC-4') // 'fast'
 */
export const publishEffort =
  (effort: Effort) =>
  (path: string): Effort =>
    effort === 'best' && path === '/' ? 'best' : 'fast';
