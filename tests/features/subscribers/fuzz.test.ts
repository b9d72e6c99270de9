import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManageInput, SubscribeInput } from '../../../api/features/subscribers/schemas.ts';
import { body, param } from '../../support/fuzz.ts';
import { linkIn, makeSubscriberApp, subscribeAndConfirm, type SubscriberApp } from '../../support/subscribers.ts';

/**
 * The public subscription routes, fed valid and broken forms generated from their own schemas
 * and real, forged and garbled link tokens: never a 5xx, and JSON errors in the one shape.
 */
const ErrorShape = z.object({ error: z.object({ code: z.string().min(1), message: z.string().min(1), requestId: z.string().min(1) }).loose() });

let t: SubscriberApp;
let links: string[];
beforeAll(async () => {
  t = await makeSubscriberApp();
  await subscribeAndConfirm(t, 'ann@example.com', ['api']);
  await t.request('POST', '/subscribe', { form: { email: 'bob@example.com' } });
  await t.request('POST', '/subscribe', { form: { email: 'ann@example.com' } }); // a confirmed address gets its manage link
  const mails = await t.deliver();
  links = mails.flatMap((m) =>
    ['/subscribe/confirm/', '/subscribe/manage/', '/unsubscribe/'].flatMap((prefix) => {
      try {
        return [linkIn(m.parsed.text ?? '', prefix)];
      } catch {
        return [];
      }
    }),
  );
});
afterAll(() => t.close());

/** A form body as a browser sends it: every value a string (arrays repeat the field). */
const asForm = (value: unknown): Record<string, string | string[]> => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { value: JSON.stringify(value) ?? '' };
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v : (JSON.stringify(v) ?? '')]),
  );
};

const ROUTES = [
  { method: 'POST', path: () => fc.constant('/subscribe'), form: body(z.toJSONSchema(SubscribeInput, { io: 'input' }) as never) },
  { method: 'POST', path: () => param(links.filter((l) => l.includes('/manage/'))), form: body(z.toJSONSchema(ManageInput, { io: 'input' }) as never) },
  { method: 'GET', path: () => param(links), form: fc.constant(undefined) },
  { method: 'POST', path: () => param(links), form: fc.constant(undefined) },
];

describe('the public subscription routes under generated input', () => {
  it.each(ROUTES.map((r, i) => [`${r.method} #${i}`, r] as const))('never answer %s with a 5xx', async (_, route) => {
    await fc.assert(
      fc.asyncProperty(route.path(), route.form, fc.boolean(), async (path, form, html) => {
        const target = path.startsWith('/') ? path : `/subscribe/manage/${path}`;
        const res = await t.request(route.method, target, {
          ...(form === undefined ? {} : { form: asForm(form) }),
          headers: html ? { accept: 'text/html' } : {},
        });
        const label = `${route.method} ${target} ${JSON.stringify(form)?.slice(0, 200)}`;
        expect(res.status, label).toBeLessThan(500);
        if (res.status >= 400 && (res.headers.get('content-type') ?? '').includes('json'))
          expect(ErrorShape.safeParse(res.json).success, `${label} → ${res.text}`).toBe(true);
      }),
      { numRuns: 40, seed: 20261127 },
    );
  });
});
