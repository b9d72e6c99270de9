import { as, noPublisher, type CommandDeps } from './platform/commands.ts';
import { declareIncident, postIncidentUpdate } from './features/incidents/index.ts';
import { noopNotifier } from './shared/notifier.ts';
import type { Db } from './platform/db/client.ts';
import { manualClock } from './platform/clock.ts';
import type { Log } from './platform/log/log.ts';
import { idFromRef } from './shared/refs.ts';
import { uptimeWindowStart } from './features/services/index.ts';
import type { CreateIncidentInput, PostUpdateInput } from './shared/schemas.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

type Story = {
  ago: number;
  create: Omit<CreateIncidentInput, 'status' | 'services'> & Partial<Pick<CreateIncidentInput, 'status' | 'services'>>;
  updates: { after: number; update: PostUpdateInput }[];
};

/** A few months of believable history, then a resolved P2 and an active P1: what a new page shows. */
const STORIES: Story[] = [
  {
    ago: 84 * DAY,
    create: {
      title: 'Delayed webhook deliveries',
      severity: 'P2',
      message: 'Webhook deliveries are delayed by up to 15 minutes. We are investigating.',
      services: [{ slug: 'webhooks', status: 'degraded_performance' }],
      impact: 'Webhooks arrive late; none are lost.',
    },
    updates: [
      { after: 25 * MIN, update: { status: 'mitigating', message: 'A stuck queue consumer was restarted; the backlog is draining.' } },
      {
        after: 70 * MIN,
        update: {
          status: 'resolved',
          message: 'The backlog has drained and deliveries are on time.',
          rootCause: 'A consumer process hung on a malformed payload and stopped taking work.',
        },
      },
    ],
  },
  {
    ago: 51 * DAY,
    create: {
      title: 'Sign-in failures for SAML users',
      severity: 'P1',
      message: 'Some customers using SAML single sign-on cannot sign in.',
      services: [{ slug: 'auth', status: 'partial_outage' }],
      impact: 'SAML sign-in fails; password sign-in works.',
      commander: 'Dana Ortiz',
    },
    updates: [
      { after: 20 * MIN, update: { status: 'mitigating', message: 'An expired signing certificate was found; a new one is being rolled out.' } },
      {
        after: 45 * MIN,
        update: {
          status: 'monitoring',
          message: 'The new certificate is live. We are watching sign-in success rates.',
          services: [{ slug: 'auth', status: 'operational' }],
        },
      },
      {
        after: 75 * MIN,
        update: {
          status: 'resolved',
          message: 'Sign-in success rates are back to normal.',
          rootCause: 'An identity-provider signing certificate expired; renewal was not automated.',
          postmortemUrl: 'https://example.com/postmortems/saml-certificate',
        },
      },
    ],
  },
  {
    ago: 19 * DAY,
    create: {
      title: 'Slow search results',
      severity: 'P3',
      message: 'Search queries take several seconds for some workspaces.',
      services: [{ slug: 'search', status: 'degraded_performance' }],
    },
    updates: [
      {
        after: 40 * MIN,
        update: {
          status: 'resolved',
          message: 'An index rebuild finished and search is fast again.',
          rootCause: 'A nightly index rebuild overran into business hours.',
        },
      },
    ],
  },
  {
    ago: 2 * DAY,
    create: {
      title: 'Invoices not generated',
      severity: 'P2',
      message: 'Monthly invoices were not generated on schedule. Payments are not affected.',
      services: [{ slug: 'billing', status: 'partial_outage' }],
      impact: 'Invoices for this month are late.',
      notify: true,
    },
    updates: [
      { after: 30 * MIN, update: { status: 'mitigating', message: 'The invoice job is being re-run for the affected accounts.' } },
      {
        after: 55 * MIN,
        update: {
          status: 'resolved',
          message: 'All invoices have been generated and sent.',
          rootCause: 'A schema change broke the invoice job’s query; the job failed without alerting.',
        },
      },
    ],
  },
  {
    ago: 40 * MIN,
    create: {
      title: 'Elevated API error rates',
      severity: 'P1',
      message: 'We are seeing elevated error rates on the public API. Investigating.',
      services: [
        { slug: 'api', status: 'partial_outage' },
        { slug: 'web-app', status: 'degraded_performance' },
      ],
      impact: 'About 8% of API requests fail with 503; the web app is slow.',
      commander: 'Sam Lee',
    },
    updates: [
      {
        after: 28 * MIN,
        update: {
          status: 'mitigating',
          message: '**Actions taken:** traffic shifted away from the failing region.\n\n**Next steps:** replace the unhealthy load balancer nodes.',
          eta: undefined,
          nextUpdateInMinutes: 30,
        },
      },
    ],
  },
];

/**
 * Fills an empty database with demo incidents, so a first `npm start` shows a working page.
 * Does nothing when any incident exists.
 */
export async function seedDemo(db: Db, now: Date, policy: CommandDeps['policy'], log: Log): Promise<boolean> {
  const { rows } = await db.execute('SELECT count(*) AS n FROM incidents');
  if (Number(rows[0]?.n) > 0) return false;
  // Written through the same commands as the API, on a clock set to each step's time; nobody
  // is subscribed yet, and the first publish after seeding shows it all.
  const clock = manualClock(now.toISOString());
  const ctx = as({ db, clock, publisher: noPublisher, notifier: noopNotifier, log, policy }, { kind: 'system', job: 'demo' });
  for (const story of STORIES) {
    const start = new Date(now.getTime() - story.ago);
    clock.set(start);
    const incident = await declareIncident(ctx, { status: 'investigating', services: [], ...story.create });
    const id = idFromRef('incident', incident.ref);
    for (const { after, update } of story.updates) {
      clock.set(new Date(start.getTime() + after));
      await postIncidentUpdate(ctx, id, update);
    }
  }
  // The story is of months past: the services were there all along, so each has 90 days of
  // history, every one of them agreeing with the incidents told above (no "no data" days).
  const since = uptimeWindowStart(now).toISOString();
  await db.execute({ sql: 'UPDATE services SET created_at = ? WHERE created_at > ?', args: [since, since] });
  return true;
}
