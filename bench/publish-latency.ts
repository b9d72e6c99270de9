import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile, round } from './stats.ts';

export type PublishLatency = {
  posts: number;
  /** ms from each 201 to the last of the four URLs showing the update; null if it never did. */
  samples: (number | null)[];
  /** ms from sending each POST to its 201 (the publish happens inside it); for context. */
  postRoundTrips: number[];
  /**
   * ms from sending the first write (the incident's creation) to its 201: on a server just
   * started on an existing snapshot, it may wait for what the start left to render.
   */
  firstWriteMs: number;
  p50: number;
  p95: number;
  max: number;
  urls: string[];
  pollEveryMs: number;
};

const POLL_EVERY_MS = 5;
const GIVE_UP_AFTER_MS = 5_000;
/** How long a write may take before the bench gives up; the first one after a start is reported on its own. */
const WRITE_TIMEOUT_MS = 120_000;

/**
 * Creates one incident, then posts `posts` updates with distinct messages. After each 201 it
 * polls `/`, the incident page, `/feed.xml` and `/api/v2/summary.json` until every one
 * contains the new message, and records the time from the 201 to the last of them.
 */
export async function measurePublishLatency(baseUrl: string, adminToken: string, posts = 20): Promise<PublishLatency> {
  const admin = (path: string, body: unknown) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(WRITE_TIMEOUT_MS),
    });

  const firstSent = performance.now();
  const created = await admin('/api/admin/incidents', {
    title: 'Bench: elevated API errors',
    severity: 'P1',
    status: 'investigating',
    message: 'Bench incident opened.',
    services: [{ slug: 'api', status: 'partial_outage' }],
  });
  if (created.status !== 201) throw new Error(`[Bench] Creating the incident answered ${created.status}: ${await created.text()}`);
  const { ref } = (await created.json()) as { ref: string };
  const firstWriteMs = round(performance.now() - firstSent, 1);
  const urls = ['/', `/incidents/${ref}`, '/feed.xml', '/api/v2/summary.json'];

  const samples: (number | null)[] = [];
  const postRoundTrips: number[] = [];
  const run = randomBytes(3).toString('hex');
  for (let i = 1; i <= posts; i++) {
    const message = `Bench update ${i} of run ${run}: mitigation step ${i} applied`;
    const sent = performance.now();
    const answer = await admin(`/api/admin/incidents/${ref}/updates`, { status: 'mitigating', message });
    const answeredAt = performance.now();
    if (answer.status !== 201) throw new Error(`[Bench] Update ${i} answered ${answer.status}: ${await answer.text()}`);
    await answer.arrayBuffer();
    postRoundTrips.push(round(answeredAt - sent, 2));
    const seen = await Promise.all(urls.map((path) => waitFor(`${baseUrl}${path}`, message)));
    samples.push(seen.some((at) => at === null) ? null : round(Math.max(...(seen as number[])) - answeredAt, 2));
  }

  const seenSamples = samples.map((ms) => ms ?? Number.POSITIVE_INFINITY);
  return {
    posts,
    samples,
    postRoundTrips,
    firstWriteMs,
    p50: percentile(seenSamples, 50),
    p95: percentile(seenSamples, 95),
    max: Math.max(...seenSamples),
    urls,
    pollEveryMs: POLL_EVERY_MS,
  };
}

/** Polls `url` until its body contains `text`: when it did (performance.now()), or null after the give-up time. */
async function waitFor(url: string, text: string): Promise<number | null> {
  const deadline = performance.now() + GIVE_UP_AFTER_MS;
  while (performance.now() < deadline) {
    const response = await fetch(url, { signal: AbortSignal.timeout(GIVE_UP_AFTER_MS) }).catch(() => null);
    const body = response ? await response.text().catch(() => '') : '';
    if (response?.ok && body.includes(text)) return performance.now();
    await sleep(POLL_EVERY_MS);
  }
  return null;
}
