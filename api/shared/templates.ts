/**
 * Message templates, as markdown files with a small front matter (name, use: create | update |
 * resolve, note) and two kinds of blanks. content/templates/ holds the customer-facing ones the
 * desk starts a public message from; content/slack/ holds the plan's own, verbatim with the
 * `IC:` line, which only Slack #incidents receives. Blanks:
 * `{{name}}` is filled by Herald from the form when the message is posted; `[ … ]` is a prompt
 * the comms lead replaces. A message still holding either is refused, so a template's blanks
 * never reach the public page.
 */
export type TemplateUse = 'create' | 'update' | 'resolve';
export type Template = { slug: string; name: string; use: TemplateUse; note: string; body: string };

const USES: readonly string[] = ['create', 'update', 'resolve'];
/** The plan's three come first, in the order an incident uses them. */
export const PLAN_ORDER = ['initial-alert', 'status-update', 'resolution'];

/** Parses one template file; a file without front matter is an update template named after its file. */
export function parseTemplate(slug: string, text: string): Template {
  const match = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/.exec(text.replace(/\r\n/g, '\n'));
  const meta = new Map<string, string>();
  for (const line of (match?.[1] ?? '').split('\n')) {
    const kv = /^(\w+):\s*(.*)$/.exec(line);
    if (kv?.[1]) meta.set(kv[1], kv[2] ?? '');
  }
  const use = meta.get('use') ?? 'update';
  return {
    slug,
    name: meta.get('name') || slug,
    use: (USES.includes(use) ? use : 'update') as TemplateUse,
    note: meta.get('note') ?? '',
    body: (match ? (match[2] ?? '') : text).trim(),
  };
}

/**
 * Fills each `{{name}}` that has a non-empty value; leaves the others for later.
 * @example fillMessageTemplate('Severity: {{severity}} {{eta}}', { severity: 'P1' }) // 'Severity: P1 {{eta}}'
 */
export function fillMessageTemplate(body: string, values: Readonly<Record<string, string | null | undefined>>): string {
  return body.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, key: string) => {
    const value = values[key];
    return value === undefined || value === null || value.trim() === '' ? whole : value;
  });
}

/**
 * The blanks a message still holds: `{{name}}`s, and the `[ … ]` prompts of any template
 * left as they were (a markdown link `[text](url)` is not a prompt).
 * @example leftovers('ETA: {{eta}}\n[What was done]', templates) // ['{{eta}}', '[What was done]']
 */
export function leftovers(message: string, templates: readonly Template[]): string[] {
  const found = new Set<string>(message.match(/\{\{\s*[a-z_]+\s*\}\}/g) ?? []);
  for (const t of templates) {
    for (const prompt of t.body.match(/\[[^\]\n]+\](?!\()/g) ?? []) if (message.includes(prompt)) found.add(prompt);
  }
  return [...found];
}
