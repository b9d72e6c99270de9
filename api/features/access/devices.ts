/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser
 * that signed in to an account before carries a cookie naming that account, signed by Herald.
 * Its attempts on that account are judged on their own budget (throttle.ts, DEVICE_THROTTLE),
 * apart from the per-address and per-account ones a guesser fills: so guesses from anywhere
 * never lock the owner out of the browser they use. The cookie proves only "this browser knew
 * the password once"; the password is still checked every time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Executor } from '../../platform/db/client.ts';

/** How long a browser stays known after its last sign-in. */
export const DEVICE_TTL_MS = 180 * 86_400_000;

/** `__Host-` behind https, as the session cookie. */
export const deviceCookieName = (publicUrl: string): string => (publicUrl.startsWith('https:') ? '__Host-herald_device' : 'herald_device');

/** Each database's key, once read: it never changes. */
const keys = new WeakMap<Executor, Buffer>();

/** The key device cookies are signed with: made once, kept in the database (herald_secrets). */
async function deviceKey(db: Executor, now: Date): Promise<Buffer> {
  const known = keys.get(db);
  if (known) return known;
  await db.execute({
    sql: `INSERT OR IGNORE INTO herald_secrets (name, value, created_at) VALUES ('devices', ?, ?)`,
    args: [randomBytes(32).toString('base64url'), now.toISOString()],
  });
  const { rows } = await db.execute(`SELECT value FROM herald_secrets WHERE name = 'devices'`);
  const key = Buffer.from(String(rows[0]?.value), 'base64url');
  keys.set(db, key);
  return key;
}

const mac = (key: Buffer, account: string, device: string) => createHmac('sha256', key).update(`${account}\n${device}`).digest('base64url');

/** A new device cookie's value for `account` (lowercased, as typed at sign-in): `<device id>.<signature>`. */
export async function issueDeviceCookie(db: Executor, account: string, now: Date): Promise<string> {
  const device = randomBytes(16).toString('base64url');
  return `${device}.${mac(await deviceKey(db, now), account, device)}`;
}

/**
 * The device id a cookie carries, when Herald signed it for `account`; null for no cookie, a
 * forged one, or one signed for another account.
 * @example await knownDevice(db, 'Zt3…Q.kq9…', 'owner@example.com', now) // 'Zt3…Q'
 */
export async function knownDevice(db: Executor, cookie: string | undefined, account: string, now: Date): Promise<string | null> {
  const [device, signature, ...rest] = (cookie ?? '').split('.');
  if (!device || !signature || rest.length > 0 || !account) return null;
  const expected = Buffer.from(mac(await deviceKey(db, now), account, device));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? device : null;
}
