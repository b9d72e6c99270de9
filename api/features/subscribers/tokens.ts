import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a link lets its holder do: confirm a pending subscription, or manage (and leave) one. */
export type LinkPurpose = 'confirm' | 'manage';

/** A fresh random nonce: 128 bits, base64url. Links are made from it; replacing it revokes them. */
export const newNonce = (): string => randomBytes(16).toString('base64url');

const mac = (secret: string, purpose: LinkPurpose, subscriberId: number, nonce: string): Buffer =>
  createHmac('sha256', secret).update(`herald:${purpose}:${subscriberId}:${nonce}`).digest();

/**
 * The token in a subscriber's link: `<id>.<HMAC-SHA256(secret, purpose, id, nonce)>`. It is
 * bound to one subscriber (the id is under the MAC), carries 256 unguessable bits, and is
 * never stored: the database holds only the nonce, which without the secret makes no link.
 *
 * @example signLink('s3cret…', 'manage', 42, 'k7…') // '42.Xb8…' (43 characters after the dot)
 */
export function signLink(secret: string, purpose: LinkPurpose, subscriberId: number, nonce: string): string {
  return `${subscriberId}.${mac(secret, purpose, subscriberId, nonce).toString('base64url')}`;
}

const TOKEN = /^([1-9][0-9]{0,15})\.([A-Za-z0-9_-]{43})$/;

/** The subscriber a token claims to belong to, or null when it is not even shaped like one. */
export function tokenSubscriber(token: string): number | null {
  const match = TOKEN.exec(token);
  return match ? Number(match[1]) : null;
}

/** Whether `token` is the `purpose` link of subscriber `subscriberId` with `nonce`; constant time. */
export function verifyLink(secret: string, purpose: LinkPurpose, subscriberId: number, nonce: string | null, token: string): boolean {
  const match = TOKEN.exec(token);
  if (!match || !nonce || Number(match[1]) !== subscriberId) return false;
  // Compared as text: base64 leaves spare bits in the last character, so decoding first would
  // accept several spellings of one link (and a test that forges one by changing that character).
  const given = Buffer.from(match[2] as string, 'latin1');
  const expected = Buffer.from(mac(secret, purpose, subscriberId, nonce).toString('base64url'), 'latin1');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
