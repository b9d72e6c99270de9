/**
 * What a freshness notice says, by email and to the webhook. Pure: rendered from the notice
 * and the incident as it stands.
 */
import { formatDuration } from '../../shared/duration.ts';
import type { Notice } from './rules.ts';

export type NoticeSubject = {
  ref: string;
  title: string;
  severity: string;
  commander: string | null;
  dueAt: Date;
  /** The public page and the desk page where the update is posted. */
  publicUrl: string;
  deskUrl: string;
};

const hhmm = (d: Date) => `${d.toISOString().slice(11, 16)} UTC`;

/**
 * @example composeNotice({ kind: 'reminder', seq: 1 }, subject, now, 4).subject
 *   // "[Herald] Reminder: INC-7 needs a public update by 14:32 UTC"
 */
export function composeNotice(notice: Notice, s: NoticeSubject, now: Date, maxEscalations: number): { subject: string; text: string } {
  const head = `${s.ref} (${s.severity}) ${s.title}`;
  if (notice.kind === 'reminder') {
    const left = Math.max(0, s.dueAt.getTime() - now.getTime());
    return {
      subject: `[Herald] Reminder: ${s.ref} needs a public update by ${hhmm(s.dueAt)}`,
      text: [
        `${head} needs its next public update by ${hhmm(s.dueAt)} (in ${formatDuration(left)}).`,
        `The status page promises customers an update at least every 30 minutes.`,
        ``,
        `Post the update: ${s.deskUrl}`,
        `Public page: ${s.publicUrl}`,
      ].join('\n'),
    };
  }
  const late = Math.max(0, now.getTime() - s.dueAt.getTime());
  return {
    subject: `[Herald] OVERDUE: ${s.ref} update was due at ${hhmm(s.dueAt)} (notice ${notice.seq} of ${maxEscalations})`,
    text: [
      `${head} is OVERDUE: its next public update was due at ${hhmm(s.dueAt)}${late >= 60_000 ? `, ${formatDuration(late)} ago` : ''}.`,
      `The public page now says the update is late. Incident commander: ${s.commander ?? 'not set'}.`,
      notice.seq < maxEscalations
        ? `This repeats until an update is posted (at most ${maxEscalations} notices).`
        : `This is the last notice for this deadline.`,
      ``,
      `Post the update: ${s.deskUrl}`,
      `Public page: ${s.publicUrl}`,
    ].join('\n'),
  };
}

/** A Slack-style incoming-webhook body: `text` is what Slack, Mattermost and Teams connectors show. */
export function webhookBody(notice: Notice, s: NoticeSubject, now: Date, maxEscalations: number) {
  const { subject, text } = composeNotice(notice, s, now, maxEscalations);
  return {
    text: `${notice.kind === 'reminder' ? ':hourglass:' : ':rotating_light:'} ${subject.replace('[Herald] ', '')}\n<${s.deskUrl}|Post the update>`,
    herald: { kind: notice.kind, seq: notice.seq, incident: s.ref, dueAt: s.dueAt.toISOString(), detail: text },
  };
}
