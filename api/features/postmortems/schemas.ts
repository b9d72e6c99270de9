/**
 * The postmortems feature's own shapes as its store reads and writes them. What the API
 * accepts is in rules.ts beside the rules that use it.
 */

/** An incident's postmortem as stored, with what decides whether it may have one yet and what its text must not name. */
export type PostmortemRecord = {
  status: string;
  /** Opened by an alert and never released: customers know nothing of it. */
  draft: boolean;
  commander: string | null;
  url: string | null;
  completedAt: string | null;
  /** The unpublished working copy (internal). */
  text: string | null;
  /** The published text. */
  body: string | null;
  publishedAt: string | null;
  notifiedAt: string | null;
};

/** The postmortem's columns, all of them, as a write leaves them. */
export type PostmortemFields = Omit<PostmortemRecord, 'status' | 'draft' | 'commander'>;
