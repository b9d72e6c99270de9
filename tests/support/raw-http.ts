import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

export type RawAnswer = {
  status: number;
  /** Lowercased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The bytes as they came over the wire (still compressed). */
  raw: Buffer;
  /** The bytes after undoing Content-Encoding. */
  body: Buffer;
};

/**
 * One HTTP request with nothing done for the caller: no decompression, no redirects followed,
 * no headers added beyond `headers` (fetch would add Accept-Encoding and undo it).
 */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        const encoding = headers['content-encoding'];
        try {
          const body = raw.length === 0 ? raw : encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw;
          resolve({ status: res.statusCode ?? 0, headers, raw, body });
        } catch (error) {
          reject(new Error(`${url}: the ${encoding} body does not decompress (${(error as Error).message}); ${raw.length} bytes`));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
