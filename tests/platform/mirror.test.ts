import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../api/platform/clock.ts';
import { silentLog } from '../../api/platform/log/log.ts';
import { commandFor, retryDelayMs, splitCommand } from '../../api/platform/mirror/command.ts';
import { createMirror, type MirrorOptions } from '../../api/platform/mirror/mirror.ts';
import { removeDir } from '../support/server.ts';

const base = mkdtempSync(join(tmpdir(), 'herald-mirror-test-'));
afterAll(() => removeDir(base));

let count = 0;
/** A directory of files to mirror, and an empty place to mirror it to. */
function site(files: Record<string, string>) {
  const root = join(base, `case-${++count}`);
  const dir = join(root, 'snapshot');
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return { root, dir, dest: join(root, 'dest') };
}

const words = (text: string) => (splitCommand(text) as { words: string[] }).words;

function mirrorOf(dir: string, command: string, extra: Partial<MirrorOptions> = {}) {
  const warnings: string[] = [];
  const mirror = createMirror({
    command: words(command),
    dir,
    listAll: () => [],
    clock: systemClock,
    log: { ...silentLog, warn: (line: string) => warnings.push(line) },
    timeoutMs: 30_000,
    ...extra,
  });
  return { mirror, warnings };
}

const waitFor = async (what: string, check: () => boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('the mirror command', () => {
  it.each([
    ['rclone copy --files-from {files} {dir} r2:status', ['rclone', 'copy', '--files-from', '{files}', '{dir}', 'r2:status']],
    [`rsync -a "--files-from={files}" '{dir}/' backup:'status page'/`, ['rsync', '-a', '--files-from={files}', '{dir}/', 'backup:status page/']],
    ['cp\\ y  a\tb', ['cp y', 'a', 'b']],
    ['echo "a \\"b\\" $HOME; ls"', ['echo', 'a "b" $HOME; ls']],
    ["echo ''", ['echo', '']],
  ])('reads %s as a shell would, without running one', (text, expected) => {
    expect(splitCommand(text)).toEqual({ words: expected });
  });

  it.each([
    ['rclone copy "a', 'double quote is not closed'],
    ["rclone 'a", 'single quote is not closed'],
    ['   ', 'empty'],
  ])('refuses %s, saying why', (text, message) => {
    expect((splitCommand(text) as { error: string }).error).toContain(message);
  });

  it('puts the list and the directory where the placeholders stand, inside words too', () => {
    expect(commandFor(words('rsync -a --files-from={files} {dir}/ host:site/'), { files: '/tmp/list', dir: '/srv/snap' })).toEqual([
      'rsync',
      '-a',
      '--files-from=/tmp/list',
      '/srv/snap/',
      'host:site/',
    ]);
  });

  it.each([
    [1, 2000],
    [2, 4000],
    [5, 32_000],
    [6, 60_000],
    [50, 60_000],
  ])('waits, after %i failures in a row, %i ms', (failures, ms) => {
    expect(retryDelayMs(failures)).toBe(ms);
  });
});

describe('a mirror', () => {
  it('copies the changed files with rclone, and only those', async () => {
    const { dir, dest } = site({ 'index.html': '<p>home</p>', 'index.html.br': 'br', 'feed.xml': '<rss/>', 'incidents/INC-1/index.html': '<p>one</p>' });
    const { mirror } = mirrorOf(dir, `rclone copy --files-from {files} {dir} ${dest}`);
    const stop = mirror.start();
    try {
      mirror.add(['index.html', 'index.html.br', 'incidents/INC-1/index.html']);
      await mirror.idle();
      expect(readFileSync(join(dest, 'index.html'), 'utf8')).toBe('<p>home</p>');
      expect(readFileSync(join(dest, 'incidents/INC-1/index.html'), 'utf8')).toBe('<p>one</p>');
      expect(existsSync(join(dest, 'index.html.br'))).toBe(true);
      expect(existsSync(join(dest, 'feed.xml'))).toBe(false);
      expect(mirror.status()).toMatchObject({ state: 'ok', lagSeconds: 0, pendingFiles: 0, consecutiveFailures: 0, lastError: null });
      expect(mirror.status().lastSuccessAt).not.toBeNull();
    } finally {
      await stop();
    }
  });

  it('copies everything on a whole pass', async () => {
    const { dir, dest } = site({ 'index.html': 'home', 'api/v2/summary.json': '{}' });
    const { mirror } = mirrorOf(dir, `rclone copy --files-from {files} {dir} ${dest}`, { listAll: () => ['index.html', 'api/v2/summary.json'] });
    const stop = mirror.start();
    try {
      mirror.addAll();
      await mirror.idle();
      expect(readFileSync(join(dest, 'api/v2/summary.json'), 'utf8')).toBe('{}');
    } finally {
      await stop();
    }
  });

  it('runs one copy at a time, and puts the files changed meanwhile together in the next', async () => {
    const { root, dir } = site({ a: '1', b: '2', c: '3' });
    const runs = join(root, 'runs.log');
    // Each run notes its start, waits, notes its files and its end.
    const { mirror } = mirrorOf(dir, `sh -c 'echo start >> ${runs}; sleep 0.4; cat "$HERALD_MIRROR_FILES" >> ${runs}; echo end >> ${runs}'`);
    const stop = mirror.start();
    try {
      mirror.add(['a']);
      await waitFor('the first run to start', () => existsSync(runs));
      mirror.add(['b']);
      mirror.add(['c']);
      expect(mirror.status().pendingFiles).toBe(3);
      await mirror.idle();
      expect(readFileSync(runs, 'utf8').trim().split('\n')).toEqual(['start', 'a', 'end', 'start', 'b', 'c', 'end']);
    } finally {
      await stop();
    }
  });

  it('does not run before it is started, nor keep the caller waiting for a run', async () => {
    const { root, dir } = site({ a: '1' });
    const marker = join(root, 'ran');
    const { mirror } = mirrorOf(dir, `sh -c 'sleep 1; touch ${marker}'`);
    const before = performance.now();
    mirror.add(['a']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(marker)).toBe(false);
    const stop = mirror.start();
    try {
      mirror.add(['a']);
      expect(performance.now() - before).toBeLessThan(500);
      expect(mirror.status().lagSeconds).toBeGreaterThan(0);
      await mirror.idle();
      expect(existsSync(marker)).toBe(true);
    } finally {
      await stop();
    }
  });

  it('retries a failed copy with backoff, reports it, and catches up once the destination is back', async () => {
    const { root, dir } = site({ 'index.html': 'v1' });
    // The destination's parent is a file: rclone cannot make the directory.
    const blocked = join(root, 'remote');
    writeFileSync(blocked, 'not a directory');
    const target = join(blocked, 'site');
    const { mirror, warnings } = mirrorOf(dir, `rclone copy --files-from {files} {dir} ${target}`);
    const stop = mirror.start();
    try {
      mirror.add(['index.html']);
      await waitFor('a failed run', () => mirror.status().consecutiveFailures >= 1);
      const failing = mirror.status();
      expect(failing.state).toBe('failing');
      expect(failing.lastError).toMatch(/^\[Mirror\] rclone exited with \d+\. It said: .*not a directory/i);
      expect(failing.pendingFiles).toBe(1);
      expect(warnings[0]).toContain('Retrying in 2 s with 1 file(s).');
      // A change while failing joins the retry.
      writeFileSync(join(dir, 'feed.xml'), '<rss/>');
      mirror.add(['feed.xml']);
      await waitFor('a second failed run', () => mirror.status().consecutiveFailures >= 2, 10_000);
      expect(warnings[1]).toContain('Retrying in 4 s with 2 file(s).');
      expect(mirror.status().lagSeconds).toBeGreaterThanOrEqual(2);
      // The remote comes back.
      renameSync(blocked, `${blocked}.gone`);
      mkdirSync(blocked);
      await waitFor('the retry to succeed', () => mirror.status().state === 'ok', 15_000);
      expect(readFileSync(join(target, 'index.html'), 'utf8')).toBe('v1');
      expect(readFileSync(join(target, 'feed.xml'), 'utf8')).toBe('<rss/>');
      expect(mirror.status()).toMatchObject({ lagSeconds: 0, pendingFiles: 0, consecutiveFailures: 0, lastError: null });
    } finally {
      await stop();
    }
  });

  it('stops a command that takes too long and counts it failed', async () => {
    const { dir } = site({ a: '1' });
    const { mirror } = mirrorOf(dir, 'sleep 30', { timeoutMs: 300 });
    const stop = mirror.start();
    try {
      mirror.add(['a']);
      await waitFor('the timeout', () => mirror.status().consecutiveFailures >= 1, 5000);
      expect(mirror.status().lastError).toContain('took over 0.3 s and was stopped (MIRROR_TIMEOUT_SECONDS)');
    } finally {
      await stop();
    }
  });

  it('says so when the program cannot be run', async () => {
    const { dir } = site({ a: '1' });
    const { mirror } = mirrorOf(dir, 'no-such-mirror-program {files}');
    const stop = mirror.start();
    try {
      mirror.add(['a']);
      await waitFor('the failure', () => mirror.status().consecutiveFailures >= 1, 5000);
      expect(mirror.status().lastError).toBe('[Mirror] Could not run no-such-mirror-program: spawn no-such-mirror-program ENOENT. Check MIRROR_COMMAND.');
    } finally {
      await stop();
    }
  });
});
