/**
 * Copies what each publish changed to somewhere else — a bucket behind a CDN, another host —
 * with a command the operator chose (MIRROR_COMMAND: `rclone copy`, `rsync`, …), so the status
 * page outlives the machine it is published from. It knows nothing of Herald: it is told which
 * files changed, and runs the command with their list.
 *
 * Runs are in the background and one at a time: files that change while a run is under way go
 * in the next run, together, however many publishes that is. A failed run is retried (2 s, then
 * doubling, at most a minute apart) with whatever changed meanwhile, and never given up. Nothing
 * here is awaited by a publish or a reader.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import type { Log } from '../log/log.ts';
import { commandFor, retryDelayMs } from './command.ts';

/** What /healthz and /metrics report of the mirror. */
export type MirrorStatus = {
  /** `ok`: caught up or copying; `failing`: the last run failed (retrying). */
  state: 'ok' | 'failing';
  /** Seconds since the oldest change not yet mirrored was published; 0 when caught up. */
  lagSeconds: number;
  /** Files waiting for the next run (those of a run under way included). */
  pendingFiles: number;
  /** Failed runs in a row (0 after a success). */
  consecutiveFailures: number;
  /** The last failure's cause, while failing: the command's exit and the end of what it printed. */
  lastError: string | null;
  lastSuccessAt: string | null;
};

export type MirrorOptions = {
  /** The command's words (api/platform/mirror/command.ts `splitCommand`), placeholders unreplaced. */
  command: readonly string[];
  /** The directory the files are in (the snapshot); `{dir}`. */
  dir: string;
  /** Every file under `dir` to copy for a whole pass (relative paths). */
  listAll: () => string[];
  clock: Clock;
  log: Log;
  /** A run taking longer is stopped and counts as failed. */
  timeoutMs: number;
  /** Told after each run: for the metrics. */
  onRun?: (outcome: 'ok' | 'failed', seconds: number) => void;
};

/** The end of a failed command's output kept for the report. */
const OUTPUT_KEPT = 2000;

export function createMirror(options: MirrorOptions) {
  const { clock, log } = options;
  const program = options.command[0] ?? '';
  /** Files to copy in the next run, and when the oldest of them was published. */
  let pending = new Set<string>();
  let pendingAll = false;
  let pendingSince: number | null = null;
  /** The run under way: its files' oldest publish time. */
  let runningSince: number | null = null;
  let runningFiles = 0;
  let running: Promise<void> | null = null;
  let child: ChildProcess | null = null;
  let started = false;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let lastError: string | null = null;
  let lastSuccessAt: Date | null = null;
  let listDir: string | null = null;

  const now = () => clock.now().getTime();

  function queue(files: Iterable<string> | 'all'): void {
    if (files === 'all') pendingAll = true;
    else for (const file of files) pending.add(file);
    if (!pendingAll && pending.size === 0) return;
    pendingSince ??= now();
    kick();
  }

  /** Starts a run if one is due: started, none under way, none waiting for its retry, something to copy. */
  function kick(): void {
    if (!started || stopped || running || retryTimer || (!pendingAll && pending.size === 0)) return;
    const files = pendingAll ? new Set([...options.listAll(), ...pending]) : pending;
    const all = pendingAll;
    runningSince = pendingSince;
    runningFiles = files.size;
    pending = new Set();
    pendingAll = false;
    pendingSince = null;
    const began = performance.now();
    running = runOnce([...files].sort())
      .then(
        () => {
          failures = 0;
          lastError = null;
          lastSuccessAt = clock.now();
          options.onRun?.('ok', (performance.now() - began) / 1000);
        },
        (error: Error) => {
          failures++;
          lastError = error.message;
          options.onRun?.('failed', (performance.now() - began) / 1000);
          // What this run did not copy goes in the next one, its age kept.
          for (const file of files) pending.add(file);
          pendingAll ||= all;
          pendingSince = Math.min(pendingSince ?? Number.POSITIVE_INFINITY, runningSince ?? now());
          if (!stopped) {
            const wait = retryDelayMs(failures);
            log.warn(`[Mirror] ${error.message} Retrying in ${wait / 1000} s with ${pending.size || 'every'} file(s).`);
            retryTimer = setTimeout(() => {
              retryTimer = undefined;
              kick();
            }, wait);
            retryTimer.unref();
          }
        },
      )
      .finally(() => {
        running = null;
        runningSince = null;
        runningFiles = 0;
        kick();
      });
  }

  /** Writes the list and runs the command once; rejects with what went wrong. */
  function runOnce(files: string[]): Promise<void> {
    listDir ??= mkdtempSync(join(tmpdir(), 'herald-mirror-'));
    const list = join(listDir, 'files.txt');
    writeFileSync(list, files.length ? `${files.join('\n')}\n` : '');
    const [file, ...args] = commandFor(options.command, { files: list, dir: options.dir });
    return new Promise<void>((resolve, reject) => {
      let output = '';
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
      };
      const proc = spawn(file as string, args, {
        cwd: options.dir,
        env: { ...process.env, HERALD_MIRROR_FILES: list, HERALD_SNAPSHOT_DIR: options.dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      proc.stdout?.on('data', keep);
      proc.stderr?.on('data', keep);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
      }, options.timeoutMs);
      timer.unref();
      const said = () => (output.trim() ? ` It said: ${output.trim().split('\n').slice(-5).join(' | ')}` : '');
      proc.once('error', (error) => {
        clearTimeout(timer);
        child = null;
        reject(new Error(`[Mirror] Could not run ${program}: ${error.message}. Check MIRROR_COMMAND.`));
      });
      proc.once('close', (code, signal) => {
        clearTimeout(timer);
        child = null;
        if (code === 0) return resolve();
        if (timedOut)
          return reject(new Error(`[Mirror] ${program} took over ${options.timeoutMs / 1000} s and was stopped (MIRROR_TIMEOUT_SECONDS).${said()}`));
        reject(new Error(`[Mirror] ${program} ${signal ? `was killed by ${signal}` : `exited with ${code}`}.${said()}`));
      });
    });
  }

  return {
    /** Queues files (relative to the directory) for the next run. */
    add(files: Iterable<string>): void {
      queue(files);
    },
    /** Queues every file: a whole pass (at start, when what the remote holds is not known). */
    addAll(): void {
      queue('all');
    },
    status(): MirrorStatus {
      const oldest = Math.min(runningSince ?? Number.POSITIVE_INFINITY, pendingSince ?? Number.POSITIVE_INFINITY);
      return {
        state: failures > 0 ? 'failing' : 'ok',
        lagSeconds: Number.isFinite(oldest) ? Math.max(0, (now() - oldest) / 1000) : 0,
        pendingFiles: pending.size + runningFiles,
        consecutiveFailures: failures,
        lastError,
        lastSuccessAt: lastSuccessAt?.toISOString() ?? null,
      };
    },
    /** Starts running queued copies. @returns the function that stops (a run under way is stopped too: the next start copies everything). */
    start(): () => Promise<void> {
      started = true;
      kick();
      return async () => {
        stopped = true;
        clearTimeout(retryTimer);
        child?.kill('SIGTERM');
        await running?.catch(() => undefined);
        if (listDir) rmSync(listDir, { recursive: true, force: true });
      };
    },
    /** Resolves once nothing is queued or running (tests). */
    async idle(): Promise<void> {
      while (running || pending.size || pendingAll) {
        await (running ?? new Promise((resolve) => setTimeout(resolve, 50)));
      }
    },
  };
}

export type Mirror = ReturnType<typeof createMirror>;
