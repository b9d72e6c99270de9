import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeIncident, makeMaintenance } from '../../support/factories.ts';
import { ADMIN_TOKEN, makeTestApp, type TestApp } from '../../support/app.ts';
import { body, inline, param, validatorFor, type JsonSchema } from '../../support/fuzz.ts';

/**
 * Every admin route, fed valid and broken requests generated from its own documented
 * schemas: never a 5xx, every error in the documented shape, every 2xx body as documented.
 */
const ErrorShape = z
  .object({ error: z.object({ code: z.string().min(1), message: z.string().min(1), requestId: z.string().min(1) }) })
  .strict()
  .or(
    z.object({
      error: z.object({
        code: z.string().min(1),
        message: z.string().min(1),
        requestId: z.string().min(1),
        fields: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    }),
  );
const RUNS = 40;

let doc: { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, JsonSchema> } };
beforeAll(async () => {
  const t = await makeTestApp();
  doc = (await t.call('GET', '/api/openapi.json', undefined, null)).json;
});

/** A fresh Herald with one open incident (INC-1), one resolved (INC-2), a window (MNT-1) and a webhook. */
async function populated(): Promise<TestApp> {
  const t = await makeTestApp({ env: { WEBHOOK_ALLOW_LOCAL: 'true' } });
  await t.call('POST', '/api/admin/incidents', makeIncident());
  await t.call('POST', '/api/admin/incidents', makeIncident({ status: 'resolved', severity: 'P3' }));
  await t.call('POST', '/api/admin/maintenance', makeMaintenance());
  return t;
}

const EXISTING: Record<string, string[]> = { ref: ['INC-1', 'INC-2', 'MNT-1'], slug: ['api', 'billing', 'search'], id: ['1', '2'], updateId: ['1', '2'] };

function operations() {
  const out: { method: string; path: string; op: any }[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/admin')) continue;
    for (const [method, op] of Object.entries(ops)) if (op?.responses) out.push({ method: method.toUpperCase(), path, op });
  }
  return out;
}

describe('the admin API under generated input', () => {
  it('documents the routes it fuzzes', () => {
    expect(operations().length).toBeGreaterThanOrEqual(20);
  });

  it('never answers 5xx, always answers errors in one shape and 2xx as documented, on every route', async () => {
    const failures: string[] = [];
    for (const { method, path, op } of operations()) {
      const t = await populated();
      try {
        const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
        const params = fc.tuple(...names.map((n) => param(EXISTING[n] ?? ['1'])));
        const requestSchema = op.requestBody?.content?.['application/json']?.schema;
        const bodies = requestSchema ? body(inline(requestSchema, doc.components.schemas)) : fc.constant(undefined);
        const query = fc.dictionary(
          fc.constantFrom(...(op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name), 'x'),
          fc.oneof(fc.constantFrom('open', 'all', 'upcoming', '5', '0', '-1', '1000000'), fc.string({ maxLength: 10 })),
          { maxKeys: 2 },
        );
        await fc.assert(
          fc.asyncProperty(params, query, bodies, async (values, q, payload) => {
            let url = path;
            for (const [i, name] of names.entries()) url = url.replace(`{${name}}`, values[i]!);
            const search = new URLSearchParams(q as Record<string, string>).toString();
            const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` };
            if (payload !== undefined) headers['content-type'] = 'application/json';
            const res = await t.app.request(`${url}${search ? `?${search}` : ''}`, {
              method,
              headers,
              body: payload === undefined ? undefined : JSON.stringify(payload),
            });
            const label = `${method} ${url}?${search} ${JSON.stringify(payload)?.slice(0, 300)}`;
            expect(res.status, label).toBeLessThan(500);
            const type = res.headers.get('content-type') ?? '';
            if (!type.includes('json')) return;
            const json = await res.json();
            if (res.status >= 400) {
              expect(ErrorShape.safeParse(json).success, `${label} → ${JSON.stringify(json)}`).toBe(true);
              return;
            }
            const documented = op.responses[String(res.status)]?.content?.['application/json']?.schema;
            expect(documented, `${label}: status ${res.status} is not documented`).toBeDefined();
            const check = validatorFor(inline(documented, doc.components.schemas)).safeParse(json);
            expect(check.success, `${label} → ${check.error?.message}`).toBe(true);
          }),
          { numRuns: RUNS, seed: 20261127 },
        );
      } catch (error) {
        failures.push(
          `${method} ${path}: ${(error as Error).message
            .split('\n')
            .filter((l) => /Counterexample|Caused by/.test(l))
            .join(' / ')
            .slice(0, 600)}`,
        );
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
