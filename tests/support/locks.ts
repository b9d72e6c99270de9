import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';

export type HeldLock = { release(): Promise<void> };

/** `sqlite3 FILE` in BEGIN EXCLUSIVE, until released: another process holding the write lock. */
export async function holdWriteLock(file: string): Promise<HeldLock> {
  const child: ChildProcessWithoutNullStreams = spawn('sqlite3', [file]);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  child.stdin.write("BEGIN EXCLUSIVE;\nSELECT 'lock-held';\n");
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sqlite3 did not take the lock in 10 s: ${output}`)), 10_000);
    const check = () => {
      if (!output.includes('lock-held')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout.on('data', check);
  });
  return {
    release: async () => {
      child.stdin.end('COMMIT;\n');
      await exited;
    },
  };
}
