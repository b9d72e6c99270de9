import { beforeEach, describe, expect, it } from 'vitest';
import { makeMaintenance, makePastMaintenance } from '../support/factories.ts';
import { makeDesk, textOf, type Desk } from '../support/desk.ts';

let d: Desk;
let cookie: string;
beforeEach(async () => {
  d = await makeDesk({ start: '2026-03-10T12:00:00.000Z' });
  await d.addUser('comms@example.test', 'comms', 'Casey Comms');
  cookie = (await d.signIn('comms@example.test')).cookie;
});

const dashboard = async () => textOf(await (await d.get('/admin', cookie)).text());

describe('the desk dashboard', () => {
  it('says when no maintenance is planned', async () => {
    expect(await dashboard()).toContain('No maintenance in progress or scheduled.');
  });

  it('lists maintenance in progress, then upcoming soonest first, but not completed windows', async () => {
    await d.call('POST', '/api/admin/maintenance', makeMaintenance({ title: 'Later', scheduledFor: '2026-03-12T22:00:00.000Z', scheduledUntil: '2026-03-12T23:00:00.000Z' }));
    await d.call('POST', '/api/admin/maintenance', makeMaintenance({ title: 'Tonight' }));
    await d.call('POST', '/api/admin/maintenance', makeMaintenance({ title: 'Running', scheduledFor: '2026-03-10T11:00:00.000Z', scheduledUntil: '2026-03-10T13:00:00.000Z' }));
    await makePastMaintenance(d, { title: 'Done', scheduledFor: '2026-03-09T11:00:00.000Z', scheduledUntil: '2026-03-09T13:00:00.000Z' });
    const text = await dashboard();
    expect(text).toContain('MNT-3: Running (In progress)');
    expect(text).toContain('MNT-2: Tonight (Scheduled)');
    expect(text.indexOf('MNT-3: Running')).toBeLessThan(text.indexOf('MNT-2: Tonight'));
    expect(text.indexOf('MNT-2: Tonight')).toBeLessThan(text.indexOf('MNT-1: Later'));
    expect(text).not.toContain('MNT-4');
  });
});
