/**
 * The status widget (`/widget.js`): one `<script src="https://status.example.com/widget.js">`
 * tag on another site renders the overall status and the open incidents right after itself,
 * in a shadow root so neither page's styles leak into the other. It reads the published
 * Statuspage summary from the origin it was loaded from (sent with
 * `Access-Control-Allow-Origin: *`), without credentials, and asks nothing of anyone else;
 * `data-target="id"` on the tag renders into that element instead (for a script in `<head>`);
 * it writes text only (`textContent`), never markup from the JSON. A `role="status"` region,
 * so a change is announced; refreshed every minute. Like /embed, it lists the three most urgent
 * open incidents and says how many more there are ("and 2 more open incidents"), never
 * leaving one out unsaid.
 *
 * Plain ES2017 as browsers run it, kept under 5 KB (a test holds it to that): it is served as
 * written, so it is written small.
 */
import { ENGLISH, type Messages } from '../shared/messages.ts';

export const WIDGET_PATH = '/widget.js';

/** The widget in the site's language: its few words are written into the script as it is published. */
export function widgetScript(messages: Messages = ENGLISH): string {
  const { t } = messages;
  // Statuspage's incident statuses (the JSON's words) in the catalogue's: `identified` is the plan's `mitigating`.
  const words = {
    investigating: t('incident.status.investigating'),
    identified: t('incident.status.mitigating'),
    monitoring: t('incident.status.monitoring'),
    name: t('widget.name'),
    link: t('widget.link'),
  };
  // "and N more": the plural forms as written, chosen in the browser by the language's rules for N.
  const more = messages.catalogue['embed.more'] ?? t('embed.more');
  return `(() => {
  const me = document.currentScript;
  if (!me || !me.src) return;
  const base = me.src.replace(/\\/widget\\.js(?:[?#].*)?$/, '');
  const box = (me.dataset.target && document.getElementById(me.dataset.target)) || document.createElement('div');
  box.classList.add('herald-status');
  if (!box.isConnected) me.after(box);
  const root = box.attachShadow ? box.attachShadow({ mode: 'open' }) : box;
  const css = ':host{display:block}' +
    '.w{--fg:#1b1f24;--bg:#fff;--mu:#505a66;--a:#0b57b4;--none:#1b6b37;--maintenance:#1d4f91;--minor:#7a5200;--major:#a83a00;--critical:#b3141e;' +
    'font:14px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg);border-left:.35rem solid var(--c,var(--mu));padding:.5rem .75rem}' +
    '@media (prefers-color-scheme:dark){.w{--fg:#e8ebee;--bg:#111418;--mu:#a9b3bd;--a:#8ab8ff;--none:#5fd38a;--maintenance:#8fb8ff;--minor:#f2c14e;--major:#ff9d5c;--critical:#ff8585}}' +
    'a{color:var(--a)}p{margin:0}strong{color:var(--c)}ul{margin:.3rem 0 0;padding:0;list-style:none}.m{color:var(--mu)}';
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    const style = document.createElement('style');
    style.textContent = css;
    root.append(style);
  }
  const w = document.createElement('div');
  w.className = 'w';
  w.setAttribute('role', 'status');
  root.append(w);
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };
  const link = (href, text) => {
    const a = el('a', text);
    if (/^https?:\\/\\//.test(href || '')) a.href = href;
    a.target = '_top';
    return a;
  };
  const words = ${JSON.stringify(words)};
  const more = ${JSON.stringify(more)};
  const render = (s) => {
    const indicator = String(s.status && s.status.indicator);
    w.style.setProperty('--c', 'var(--' + (/^(none|maintenance|minor|major|critical)$/.test(indicator) ? indicator : 'mu') + ')');
    const p = el('p');
    p.append(link((s.page && s.page.url) || base, (s.page && s.page.name) || words.name), ': ', el('strong', s.status && s.status.description));
    const list = el('ul');
    // Worst first, as /embed lists them; what does not fit is counted, not hidden.
    const rank = (i) => ['critical', 'major', 'minor'].indexOf(i.impact) >>> 0;
    const open = (s.incidents || []).slice().sort((a, b) => rank(a) - rank(b));
    for (const i of open.slice(0, 3)) {
      const li = el('li');
      li.append(link(i.shortlink, i.name), ' ', el('span', '· ' + (words[i.status] || i.status), 'm'));
      list.append(li);
    }
    const n = open.length - 3;
    if (n > 0) {
      let form = more.other || more;
      try {
        form = typeof more === 'string' ? more : more[new Intl.PluralRules(${JSON.stringify(messages.lang)}).select(n)] || more.other;
      } catch (e) {}
      const li = el('li');
      li.append(link((s.page && s.page.url) || base, String(form).replace('{count}', n)));
      list.append(li);
    }
    w.replaceChildren(p);
    if (list.children.length) w.append(list);
  };
  const load = () =>
    fetch(base + '/api/v2/summary.json', { credentials: 'omit', cache: 'no-cache' })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then(render, () => {
        if (!w.firstChild) w.append(link(base + '/', words.link));
      });
  load();
  setInterval(load, 60000);
})();
`;
}
