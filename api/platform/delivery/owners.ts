/**
 * Who holds an outbox lease. The owner id names the machine and the process, so a sender
 * starting on the machine of an embedded database can tell that the process which claimed
 * some rows is gone (it was killed, it crashed) and take them over at once instead of
 * waiting for their leases to run out.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

const OWNER = /^sender-(.+)-(\d+)-[0-9a-f]{8}$/;

/**
 * A new lease owner id: `sender-<host>-<pid>-<random>`.
 * @example newOwnerId(4242, 'web-1') // 'sender-web-1-4242-9f3a0c11'
 */
export const newOwnerId = (pid: number = process.pid, host: string = hostname()): string => `sender-${host}-${pid}-${randomBytes(4).toString('hex')}`;

/**
 * Whether `owner` is a process of `host` that no longer runs. An owner of another machine,
 * or of a process that still runs (or whose id a new process has taken), is not: its rows
 * wait for their lease. Pure but for the `isRunning` probe.
 *
 * @example isGoneFrom('sender-web-1-4242-9f3a0c11', 'web-1', () => false) // true
 * @example isGoneFrom('sender-web-2-4242-9f3a0c11', 'web-1', () => false) // false
 */
export function isGoneFrom(owner: string, host: string, isRunning: (pid: number) => boolean): boolean {
  const match = OWNER.exec(owner);
  return match !== null && match[1] === host && !isRunning(Number(match[2]));
}

/** Whether a process with this id runs on this machine (signal 0 probes without signalling). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
