/**
 * One read of a provider's components.json, through Herald's one SSRF-guarded client, with a
 * timeout, a size cap and a conditional request (If-None-Match / If-Modified-Since) when the
 * provider gave a validator last time. Never throws: whatever goes wrong is a failed reading.
 */
import { guardedGet } from '../../platform/delivery/http-post.ts';
import { findIncident, incidentsUrl, readComponent, retryAfterMs } from './rules.ts';
import type { Reading, UpstreamSource } from './schemas.ts';

/** The validators of the last full answer, for a conditional request next time. */
export type Validators = { etag?: string; lastModified?: string };

export type ReadOptions = { allowLocal: boolean; timeoutMs: number; now: () => Date };

export async function readUpstream(source: UpstreamSource, last: Validators, options: ReadOptions): Promise<{ reading: Reading; validators: Validators }> {
  const headers: Record<string, string> = {};
  if (last.etag) headers['if-none-match'] = last.etag;
  if (last.lastModified) headers['if-modified-since'] = last.lastModified;
  try {
    const answer = await guardedGet(source.url, headers, { allowLocal: options.allowLocal, deadlineMs: options.timeoutMs });
    if (answer.status === 304) return { reading: { kind: 'not-modified' }, validators: last };
    if (answer.status !== 200) {
      const wait = retryAfterMs(answer.headers.retryAfter, options.now());
      return { reading: { kind: 'failed', error: `answered HTTP ${answer.status}`, ...(wait === undefined ? {} : { retryAfterMs: wait }) }, validators: {} };
    }
    const read = readComponent(answer.body, source.component);
    // The provider's incident is looked up only while the component is not operational: one more read then, none otherwise.
    const reading = read.kind === 'read' && read.status !== 'operational' ? { ...read, incident: await readIncident(source, read.id, options) } : read;
    const validators: Validators = {
      ...(answer.headers.etag ? { etag: answer.headers.etag } : {}),
      ...(answer.headers.lastModified ? { lastModified: answer.headers.lastModified } : {}),
    };
    return { reading, validators: reading.kind === 'read' ? validators : {} };
  } catch (error) {
    return { reading: { kind: 'failed', error: (error as Error).message.replace(/^\[\w+\] /, '') }, validators: {} };
  }
}

/** The provider's open incident naming the component; null when there is none or it cannot be read (the status still counts). */
async function readIncident(source: UpstreamSource, componentId: string, options: ReadOptions) {
  const url = incidentsUrl(source.url);
  if (!url) return null;
  try {
    const answer = await guardedGet(url, {}, { allowLocal: options.allowLocal, deadlineMs: options.timeoutMs });
    return answer.status === 200 ? findIncident(answer.body, componentId) : null;
  } catch {
    return null;
  }
}
