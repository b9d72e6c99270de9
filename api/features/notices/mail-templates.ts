import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../shared/errors.ts';
import { ENGLISH, messageKeys, type MessageKey, type Messages } from '../../shared/messages.ts';

export type TemplateVars = Record<string, string | boolean | null | undefined>;

/**
 * The one HTML escaper of mail: values filled into HTML templates and the service list the
 * composer builds are escaped alike.
 * @example escapeHtml(`<b a="1">'&'</b>`) // '&lt;b a=&quot;1&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;'
 */
export const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

type Node = { text: string } | { name: string; raw: boolean } | { section: string; body: Node[] };

/** A template parsed once: filling it never reads the values it inserts (they are data). */
export type CompiledTemplate = (vars: TemplateVars) => string;

const TAG = /\{\{\{(\w+)\}\}\}|\{\{([#/])(\w+)\}\}|\{\{(\w+)\}\}|\{\{@([\w.]+)\}\}/g;
const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * Parses a mail template: `{{name}}` inserts a value (HTML-escaped when `html`), `{{{name}}}`
 * inserts it as is (only for HTML Herald made safe, e.g. `renderMarkdown` output), and
 * `{{#name}}…{{/name}}` keeps its content only when the value is non-empty, and `{{@key}}` is
 * the message catalogue's words for `key` (content/messages/), whose `{name}` placeholders are
 * values like `{{name}}` (`{{@lang}}` is the catalogue's language): a translation needs no
 * template of its own. Only the template is parsed, once: what a value holds — `{{…}}` typed by the comms lead included —
 * is inserted as text and never read again. An unknown name or an unclosed section is an
 * error here, so a typo in an operator's template stops Herald at start, not a mail later.
 *
 * @example compileTemplate('Hi {{#name}}{{name}}{{/name}}', ['name'], true)({ name: '<Ann {{x}}>' }) // 'Hi &lt;Ann {{x}}&gt;'
 */
function compileTemplate(template: string, names: readonly string[], html: boolean, label = 'template', messages: Messages = ENGLISH): CompiledTemplate {
  const known = new Set(names);
  const check = (name: string) => {
    if (!known.has(name)) throw new ConfigError(`[Mail] The ${label} names {{${name}}}, which mail templates do not have. Known: ${names.join(', ')}.`);
  };
  const stack: { section: string; body: Node[] }[] = [{ section: '', body: [] }];
  const top = () => stack[stack.length - 1] as { section: string; body: Node[] };
  let last = 0;
  for (const match of template.matchAll(TAG)) {
    if (match.index > last) top().body.push({ text: template.slice(last, match.index) });
    last = match.index + match[0].length;
    const [, rawName, mark, sectionName, name, key] = match;
    if (key === 'lang') top().body.push({ text: messages.lang });
    else if (key) {
      if (!messageKeys().includes(key)) throw new ConfigError(`[Mail] The ${label} names {{@${key}}}, which content/messages/en.json does not have.`);
      // The catalogue's words are text: escaped in HTML like any value.
      const words = messages.t(key as MessageKey);
      let at = 0;
      for (const p of words.matchAll(PLACEHOLDER)) {
        if (p.index > at) top().body.push({ text: html ? escapeHtml(words.slice(at, p.index)) : words.slice(at, p.index) });
        check(p[1] as string);
        top().body.push({ name: p[1] as string, raw: false });
        at = p.index + p[0].length;
      }
      if (at < words.length) top().body.push({ text: html ? escapeHtml(words.slice(at)) : words.slice(at) });
    } else if (rawName) check(rawName), top().body.push({ name: rawName, raw: true });
    else if (name) check(name), top().body.push({ name, raw: false });
    else if (mark === '#') {
      check(sectionName as string);
      const section = { section: sectionName as string, body: [] };
      top().body.push(section);
      stack.push(section);
    } else {
      if (stack.length === 1 || top().section !== sectionName)
        throw new ConfigError(`[Mail] The ${label} closes {{/${sectionName}}} without a matching {{#${sectionName}}}.`);
      stack.pop();
    }
  }
  if (stack.length > 1) throw new ConfigError(`[Mail] The ${label} opens {{#${top().section}}} and never closes it with {{/${top().section}}}.`);
  if (last < template.length) top().body.push({ text: template.slice(last) });
  const root = top().body;

  return (vars) => {
    const value = (name: string): string => {
      const v = vars[name];
      return v === null || v === undefined || v === false ? '' : v === true ? 'yes' : v;
    };
    const render = (nodes: Node[]): string => {
      let out = '';
      for (const node of nodes) {
        if ('text' in node) out += node.text;
        else if ('section' in node) out += value(node.section) ? render(node.body) : '';
        else out += html && !node.raw ? escapeHtml(value(node.name)) : value(node.name);
      }
      return out;
    };
    return render(root);
  };
}

/**
 * Fills a template in one pass (see `compileTemplate`); the names it may use are `vars`' keys.
 * @example fillMailTemplate('Hi {{#name}}{{name}}{{/name}}', { name: '<Ann>' }, true) // 'Hi &lt;Ann&gt;'
 */
export function fillMailTemplate(template: string, vars: TemplateVars, html: boolean): string {
  return compileTemplate(template, Object.keys(vars), html)(vars);
}

/** The values each mail's template may use; the composer fills exactly these. */
const TEMPLATE_NAMES = {
  incident: [
    'siteTitle',
    'title',
    'ref',
    'statusLabel',
    'severityLabel',
    'impact',
    'message',
    'messageHtml',
    'services',
    'servicesHtml',
    'nextUpdateBy',
    'postedAt',
    'permalink',
    'manageUrl',
    'unsubscribeUrl',
    'about',
    // A maintenance mail's "Add to calendar" link (/maintenance.ics); empty in an incident's.
    'calendarUrl',
  ],
  confirm: ['siteTitle', 'confirmUrl', 'target'],
  welcome: ['siteTitle', 'manageUrl'],
} as const;

type Kind = keyof typeof TEMPLATE_NAMES;
/** The values of one kind of mail, by name. */
export type VarsOf<K extends Kind> = Record<(typeof TEMPLATE_NAMES)[K][number], string | null>;

export type MailTemplate<K extends Kind = Kind> = {
  subject: (vars: VarsOf<K>) => string;
  text: (vars: VarsOf<K>) => string;
  html: (vars: VarsOf<K>) => string;
};
export type MailTemplates = { [K in Kind]: MailTemplate<K> };

/**
 * Reads and compiles content/emails/{incident,confirm,welcome}.{txt,html}. The first line of
 * each .txt file is `Subject: …`; the rest is the plain-text part. A template that names a
 * value its mail does not have is a ConfigError naming the file.
 */
export function loadMailTemplates(contentDir: string, messages: Messages = ENGLISH): MailTemplates {
  const dir = join(contentDir, 'emails');
  const read = <K extends Kind>(name: K): MailTemplate<K> => {
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
    const names = TEMPLATE_NAMES[name];
    return {
      subject: compileTemplate(match[1].trim(), names, false, `subject in ${join(dir, `${name}.txt`)}`, messages),
      text: compileTemplate(text.slice(match[0].length), names, false, `template ${join(dir, `${name}.txt`)}`, messages),
      html: compileTemplate(html, names, true, `template ${join(dir, `${name}.html`)}`, messages),
    };
  };
  return { incident: read('incident'), confirm: read('confirm'), welcome: read('welcome') };
}
