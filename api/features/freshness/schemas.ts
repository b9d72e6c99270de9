/**
 * The freshness feature's vocabulary, shared by its rules, its store and its job. No server imports.
 */

/** A notice about a deadline: the reminder before it, or the n-th escalation once it is missed. */
export type Notice = { kind: 'reminder'; seq: 1 } | { kind: 'escalation'; seq: number };

/** What has gone out already for the current deadline. */
export type Sent = { reminder: boolean; escalations: number };

/** Who hears of a notice: an address, or the comms channel's webhook. */
export type Target = { channel: 'email' | 'webhook'; target: string };

/** The outbox kind of a freshness notice's deliveries: `freshness-reminder`, `freshness-escalation`. */
export const noticeKind = (kind: Notice['kind']) => `freshness-${kind}` as const;
export const NOTICE_KINDS = [noticeKind('reminder'), noticeKind('escalation')] as const;
