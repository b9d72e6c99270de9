import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { assertTargetUrl, guardedLookup } from './ssrf.ts';

export type PostResult = { status: number; body: string };

/**
 * POSTs a body to a webhook target with the SSRF guard on every hop: 307/308 redirects are
 * followed (at most three, each target checked again); any other redirect is returned as is.
 */
export async function guardedPost(target: string, body: string, headers: Record<string, string>, options: { allowLocal: boolean; timeoutMs?: number }): Promise<PostResult> {
  let url = new URL(target);
  for (let hop = 0; hop <= 3; hop++) {
    assertTargetUrl(url, options.allowLocal);
    const result = await postOnce(url, body, headers, options);
    if ((result.status === 307 || result.status === 308) && result.location && hop < 3) {
      url = new URL(result.location, url);
      continue;
    }
    return { status: result.status, body: result.body };
  }
  throw new Error('[Webhooks] Too many redirects.');
}

function postOnce(url: URL, body: string, headers: Record<string, string>, options: { allowLocal: boolean; timeoutMs?: number }) {
  return new Promise<PostResult & { location: string | undefined }>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Herald-Webhooks', ...headers },
        lookup: guardedLookup(options.allowLocal),
        timeout: options.timeoutMs ?? 10_000,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text = (text + chunk).slice(0, 2000)));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text, location: response.headers.location }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`[Webhooks] ${url.origin} did not answer in time.`)));
    request.on('error', reject);
    request.end(body);
  });
}
