/**
 * Hands what each publish changed to the mirror (api/platform/mirror/mirror.ts) as files of the
 * snapshot directory. The publisher is wrapped, not changed: a publish resolves as soon as
 * readers here see it, and the mirror copies afterwards, in the background.
 */
import { existsSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import type { Registry } from 'prom-client';
import type { Clock } from '../platform/clock.ts';
import type { Log } from '../platform/log/log.ts';
import { createMirror, type Mirror } from '../platform/mirror/mirror.ts';
import { registerMirrorMetrics } from '../platform/mirror/metrics.ts';
import { ConfigError } from '../shared/errors.ts';
import type { Publisher, PublishResult } from './publisher.ts';
import { walk } from './snapshot.ts';

/**
 * The file a published path is written to (as api/site/snapshot.ts writes it): pages as
 * `dir/index.html`, files with an extension as themselves.
 * @example fileOfPath('/incidents/INC-42') // 'incidents/INC-42/index.html'
 */
export function fileOfPath(urlPath: string): string {
  if (urlPath === '/') return 'index.html';
  const clean = urlPath.replace(/^\/+/, '');
  return extname(clean) ? clean : `${clean}/index.html`;
}

/** The files to copy for `paths`: each with its `.br` and `.gz` copies, where it has them. */
export function mirrorFilesOf(dir: string, paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    const file = fileOfPath(path);
    // The compressed copies first: a reader of the mirror who gets the new page should get its copies too.
    for (const copy of [`${file}.br`, `${file}.gz`]) if (existsSync(join(dir, copy))) files.push(copy);
    files.push(file);
  }
  return files;
}

/** Every file of the site under `dir`: not the notes kept beside it (`.publish.json`), nor files being written. */
export function allSiteFiles(dir: string): string[] {
  return [...walk(dir)]
    .map((file) => file.split(sep).join('/'))
    .filter((file) => !file.split('/').some((part) => part.startsWith('.')) && !file.includes('.tmp-'));
}

/**
 * The publisher, with every publish's changed files queued on the mirror. At start (`resume`)
 * the mirror is also given the whole site once everything is rendered: the remote may hold an
 * older copy, and pages rendered in the background at start are no publish's changes.
 */
export function mirrorPublishes(
  publisher: Publisher,
  mirror: { add(files: string[]): void; addAll(): void; afterDisk(task: () => void): void },
  dir: string,
): Publisher {
  // Requests merged into one publish share its promise: its files are queued once.
  const seen = new WeakSet<Promise<PublishResult>>();
  const observed = (promise: Promise<PublishResult>) => {
    if (!seen.has(promise)) {
      seen.add(promise);
      promise.then(
        // Readers here see a publish before its files are on disk: the copy waits for the disk.
        (result) => mirror.afterDisk(() => mirror.add(mirrorFilesOf(dir, result.changed))),
        // A failed publish changed nothing readers see; the publisher retries it with the next.
        () => undefined,
      );
    }
    return promise;
  };
  const mirrored: Publisher = {
    ...publisher,
    current: () => publisher.current(),
    idle: () => publisher.idle(),
    publish: (scope) => observed(publisher.publish(scope)),
    resume: () => {
      const resumed = observed(publisher.resume());
      resumed
        .then(() => publisher.idle())
        .then(
          () => mirror.afterDisk(() => mirror.addAll()),
          () => undefined,
        );
      return resumed;
    },
    follow: (intervalMs, republish = mirrored.publish) => publisher.follow(intervalMs, republish),
  };
  return mirrored;
}

/**
 * The site's mirror, when MIRROR_COMMAND is set: it copies from the snapshot directory, its
 * lag and failures counted in `registry`. Null when no mirror is configured.
 */
export function createSiteMirror(options: {
  config: { command: string[]; timeoutSeconds: number; maxLagSeconds: number } | null;
  dir: string | null;
  clock: Clock;
  log: Log;
  registry: Registry;
  /** Resolves once the snapshot directory has every published file (or writing it fails). */
  settled: () => Promise<void>;
}): (Mirror & { maxLagSeconds: number; dir: string; afterDisk(task: () => void): void }) | null {
  const { config, dir } = options;
  if (!config) return null;
  if (!dir) throw new ConfigError('[Mirror] MIRROR_COMMAND copies the snapshot directory, and there is none: set SNAPSHOT_DIR.');
  let mirror: Mirror | null = null;
  const onRun = registerMirrorMetrics(options.registry, () => (mirror as Mirror).status());
  mirror = createMirror({
    command: config.command,
    dir,
    listAll: () => allSiteFiles(dir),
    clock: options.clock,
    log: options.log,
    timeoutMs: config.timeoutSeconds * 1000,
    onRun,
  });
  const inner = mirror;
  // Tasks waiting for the disk: idle() waits for them too, so "nothing left to copy" stays true.
  const waiting = new Set<Promise<void>>();
  const afterDisk = (task: () => void) => {
    const done: Promise<void> = options
      .settled()
      .catch(() => undefined)
      .then(task)
      .finally(() => waiting.delete(done));
    waiting.add(done);
  };
  const idle = async () => {
    while (waiting.size > 0) await Promise.all(waiting);
    await inner.idle();
  };
  return { ...inner, idle, afterDisk, maxLagSeconds: config.maxLagSeconds, dir };
}
