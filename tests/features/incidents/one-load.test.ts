import type { InStatement, Transaction } from '@libsql/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { editIncident, editUpdate, postIncidentUpdate, reopen } from '../../../api/features/incidents/index.ts';
import { as } from '../../../api/platform/commands.ts';
import type { Db } from '../../../api/platform/db/client.ts';
import { makeIncident, makeUpdate } from '../../support/factories.ts';
import { makeTestApp, type TestApp } from '../../support/app.ts';

/** The SQL of a statement, whichever form it was given in. */
const sqlOf = (stmt: InStatement) => (typeof stmt === 'string' ? stmt : stmt.sql);

/** Reads the incidents table itself (not its updates, services or alerts), as a load of an incident does. */
const readsIncidents = (sql: string) => /^\s*SELECT\b/i.test(sql) && /\bFROM\s+incidents\b/i.test(sql);

/** `db`, keeping the SQL of every statement run through it, in or out of a transaction. */
function recording(db: Db): { db: Db; statements: string[] } {
  const statements: string[] = [];
  const keep = (stmt: InStatement) => statements.push(sqlOf(stmt));
  const inTransaction = (tx: Transaction): Transaction =>
    new Proxy(tx, {
      get: (target, key) => (key === 'execute' ? (stmt: InStatement) => (keep(stmt), target.execute(stmt)) : Reflect.get(target, key, target)),
    });
  return {
    statements,
    db: {
      url: db.url,
      close: () => db.close(),
      execute: (stmt) => (keep(stmt), db.execute(stmt)),
      write: (work) => db.write((tx) => work(inTransaction(tx))),
      trouble: () => db.trouble(),
    },
  };
}

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  expect((await t.call('POST', '/api/admin/incidents', makeIncident({ services: [{ slug: 'api', status: 'partial_outage' }] }))).status).toBe(201);
});

/** The comms lead's command context, as a route builds it, over a database that records what it is asked. */
function recorded() {
  const { db, statements } = recording(t.db);
  // The publisher keeps its own handle on the database: what it reads to render the site is not the command's.
  const ctx = as({ ...t.herald.commands, db }, { kind: 'token', name: null });
  return { ctx, loads: () => statements.filter(readsIncidents) };
}

describe('a write to an incident', () => {
  it('loads its incident once to post an update', async () => {
    const { ctx, loads } = recorded();
    const incident = await postIncidentUpdate(ctx, 1, makeUpdate({ services: [{ slug: 'api', status: 'degraded_performance' }] }));
    expect(incident.updates).toHaveLength(2);
    expect(loads()).toHaveLength(1);
  });

  it('loads its incident once to resolve it, and once to reopen it', async () => {
    const resolving = recorded();
    await postIncidentUpdate(resolving.ctx, 1, makeUpdate({ status: 'resolved', message: 'Fixed.', rootCause: 'A bad deploy.' }));
    expect(resolving.loads()).toHaveLength(1);
    const reopening = recorded();
    await reopen(reopening.ctx, 1, { status: 'investigating', message: 'Errors are back.' });
    expect(reopening.loads()).toHaveLength(1);
  });

  it('loads its incident once to edit its fields or an update', async () => {
    const fields = recorded();
    await editIncident(fields.ctx, 1, { title: 'API errors', services: ['api', 'search'] });
    expect(fields.loads()).toHaveLength(1);
    const message = recorded();
    await editUpdate(message.ctx, 1, 1, 'We are investigating elevated error rates on the public API.');
    expect(message.loads()).toHaveLength(1);
  });
});

describe('the answer to a write', () => {
  /** The incident as a fresh read shows it now. */
  const read = async () => (await t.call('GET', '/api/admin/incidents/INC-1')).json;

  it('is the incident exactly as a fresh read shows it, through an update, a resolution, a reopening and edits', async () => {
    const answers = [];
    t.clock.advance(5 * 60_000);
    answers.push(
      await t.call(
        'POST',
        '/api/admin/incidents/INC-1/updates',
        makeUpdate({
          services: [
            { slug: 'search', status: 'major_outage' },
            { slug: 'api', status: 'degraded_performance' },
          ],
          eta: '2026-03-10T14:00:00+01:00',
          nextUpdateInMinutes: 10,
        }),
      ),
    );
    t.clock.advance(5 * 60_000);
    answers.push(
      await t.call(
        'POST',
        '/api/admin/incidents/INC-1/updates',
        makeUpdate({ status: 'resolved', message: 'Fixed.', rootCause: 'A bad deploy.', postmortemUrl: 'https://wiki.example.test/pm/1' }),
      ),
    );
    t.clock.advance(5 * 60_000);
    answers.push(
      await t.call('POST', '/api/admin/incidents/INC-1/reopen', {
        status: 'monitoring',
        message: 'Watching it.',
        services: [{ slug: 'database', status: 'degraded_performance' }],
      }),
    );
    t.clock.advance(5 * 60_000);
    answers.push(
      await t.call('PATCH', '/api/admin/incidents/INC-1', {
        title: 'API and search errors',
        severity: 'P2',
        commander: null,
        services: ['api', 'search', 'database'],
      }),
    );
    t.clock.advance(5 * 60_000);
    answers.push(await t.call('PATCH', '/api/admin/incidents/INC-1/updates/2', { message: 'A fix is being rolled out to every region.' }));
    answers.push(await t.call('PATCH', '/api/admin/incidents/INC-1/updates/2', { message: 'A fix is being rolled out to every region.' }));
    for (const answer of answers) expect(answer.status).toBeLessThan(300);
    const last = answers.at(-1)!.json;
    expect(last).toEqual(await read());
    expect(last.services.map((s: { slug: string; status: string }) => `${s.slug} ${s.status}`)).toEqual([
      'api operational',
      'database degraded_performance',
      'search operational',
    ]);
    expect(last.updates.map((u: { status: string; editedAt: string | null }) => `${u.status} ${u.editedAt !== null}`)).toEqual([
      'monitoring false',
      'resolved false',
      'mitigating true',
      'investigating false',
    ]);
  });

  it('is the incident exactly as a fresh read shows it after each write', async () => {
    const writes: [string, string, unknown][] = [
      ['POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ services: [{ slug: 'search', status: 'major_outage' }], eta: '2026-03-10T14:00:00Z' })],
      ['POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'monitoring', message: 'Holding.', notify: false, nextUpdateInMinutes: 5 })],
      ['POST', '/api/admin/incidents/INC-1/updates', makeUpdate({ status: 'resolved', message: 'Fixed.' })],
      ['POST', '/api/admin/incidents/INC-1/reopen', { message: 'Back.', services: [{ slug: 'api', status: 'major_outage' }] }],
      ['PATCH', '/api/admin/incidents/INC-1', { impact: null, rootCause: 'Unknown yet.', services: ['api'] }],
      ['PATCH', '/api/admin/incidents/INC-1/updates/1', { message: 'Investigating.' }],
    ];
    for (const [method, path, body] of writes) {
      t.clock.advance(60_000);
      const answer = await t.call(method, path, body);
      expect(answer.status, `${method} ${path}`).toBeLessThan(300);
      expect(answer.json, `${method} ${path}`).toEqual(await read());
    }
  });
});
