import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';

export type TemplateVars = Record<string, string | boolean | null | undefined>;

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * Fills a mail template: `{{name}}` inserts a value (HTML-escaped when `html`), `{{{name}}}`
 * inserts it as is (only for HTML Herald made safe, e.g. `renderMarkdown` output), and
 * `{{#name}}…{{/name}}` keeps its content only when the value is non-empty. An unknown
 * name is an error, so a typo in an operator's template fails loudly at start, not silently
 * in a customer's inbox.
 *
 * @example fillTemplate('Hi {{#name}}{{name}}{{/name}}', { name: '<Ann>' }, true) // 'Hi &lt;Ann&gt;'
 */
export function fillTemplate(template: string, vars: TemplateVars, html: boolean): string {
  const value = (name: string): string => {
    if (!(name in vars)) throw new ConfigError(`[Mail] The template names {{${name}}}, which mail templates do not have. Known: ${Object.keys(vars).join(', ')}.`);
    const v = vars[name];
    return v === null || v === undefined || v === false ? '' : v === true ? 'yes' : v;
  };
  const sections = template.replace(/\{\{#(\w+)\}\}([\s\S]*?)\{\{\/\1\}\}/g, (_, name: string, body: string) => (value(name) ? body : ''));
  return sections
    .replace(/\{\{\{(\w+)\}\}\}/g, (_, name: string) => value(name))
    .replace(/\{\{(\w+)\}\}/g, (_, name: string) => (html ? escapeHtml(value(name)) : value(name)));
}

export type MailTemplate = { subject: string; text: string; html: string };
export type MailTemplates = Record<'incident' | 'confirm' | 'welcome', MailTemplate>;

/**
 * Reads content/emails/{incident,confirm,welcome}.{txt,html}. The first line of each .txt
 * file is `Subject: …`; the rest is the plain-text part.
 */
export function loadTemplates(contentDir: string): MailTemplates {
  const read = (name: string): MailTemplate => {
    const dir = join(contentDir, 'emails');
    let text: string;
    let html: string;
    try {
      text = readFileSync(join(dir, `${name}.txt`), 'utf8');
      html = readFileSync(join(dir, `${name}.html`), 'utf8');
    } catch (error) {
      throw new ConfigError(`[Mail] Cannot read the ${name} mail templates in ${dir}: ${(error as Error).message}`);
    }
    const match = /^Subject:[ \t]*(.+)\r?\n(?:\r?\n)?/.exec(text);
    if (!match?.[1]) throw new ConfigError(`[Mail] ${join(dir, `${name}.txt`)} must start with a "Subject: …" line.`);
    return { subject: match[1].trim(), text: text.slice(match[0].length), html };
  };
  return { incident: read('incident'), confirm: read('confirm'), welcome: read('welcome') };
}
