import type { Clock } from '../platform/clock.ts';
import type { Publisher, PublishResult } from './publisher.ts';
import type { Metrics } from '../features/health/index.ts';

/**
 * The publisher, timed: how long from a publish being asked for until readers see it, and how
 * many files it changed. Requests merged into one publish share one promise; it is measured
 * once, from the first request.
 */
export function instrumentPublisher(publisher: Publisher, metrics: Pick<Metrics, 'observePublish'>, clock: Clock): Publisher {
  const seen = new WeakSet<Promise<PublishResult>>();
  const timed = (promise: Promise<PublishResult>, started: number) => {
    if (!seen.has(promise)) {
      seen.add(promise);
      promise.then(
        (result) => metrics.observePublish({ seconds: (performance.now() - started) / 1000, filesChanged: result.changed.length, at: clock.now() }),
        () => metrics.observePublish({ failed: true }),
      );
    }
    return promise;
  };
  const instrumented: Publisher = {
    ...publisher,
    current: () => publisher.current(),
    publish: (scope) => timed(publisher.publish(scope), performance.now()),
    // The start's publish and those of other processes' writes are publishes too.
    resume: () => timed(publisher.resume(), performance.now()),
    follow: (intervalMs) => publisher.follow(intervalMs, instrumented.publish),
  };
  return instrumented;
}
