// The incident search of a static copy of the status page (`npm run export`), where no Herald
// answers /search: the same form, run in the browser against the index built beside the pages
// (/pagefind/, Pagefind). Copied into the export as /static-search.js; the search page loads it.
// Results are shown as Herald shows them: newest matches of the words, a reference found exactly.
const form = document.querySelector('form[data-static-search]');
if (form) {
  const words = JSON.parse(form.dataset.staticSearch);
  const params = new URLSearchParams(location.search);
  const asked = Object.fromEntries(['q', 'ref', 'service', 'severity', 'from', 'to'].map((name) => [name, (params.get(name) || '').trim()]));
  // The form shows the search it ran, as Herald's page does.
  for (const [name, value] of Object.entries(asked)) {
    const field = form.elements.namedItem(name);
    if (field && value) field.value = value;
  }
  if (Object.values(asked).some(Boolean)) search(asked, words).catch((error) => show([], words, String(error)));
}

/** "INC-42", "inc-42" and "42" all name INC-42; anything else is no reference. */
function referenceOf(text) {
  const match = /^(?:inc-)?([1-9][0-9]{0,15})$/i.exec(text);
  return match ? `INC-${match[1]}` : null;
}

async function search(asked, words) {
  const pagefind = await import('/pagefind/pagefind.js');
  const filters = {};
  if (asked.service) filters.service = asked.service;
  if (asked.severity) filters.severity = asked.severity;
  const ref = asked.ref ? referenceOf(asked.ref) : null;
  if (asked.ref && !ref) return show([], words, words.refError);
  // Words, a reference, or only filters (Pagefind lists everything that passes them for a null search).
  const terms = [asked.q, ref].filter(Boolean).join(' ') || null;
  const found = await pagefind.search(terms, { filters });
  let results = await Promise.all(found.results.slice(0, 200).map((result) => result.data()));
  const day = (meta) => (meta.started || '').slice(0, 10);
  if (asked.from) results = results.filter((r) => day(r.meta) >= asked.from);
  if (asked.to) results = results.filter((r) => day(r.meta) <= asked.to);
  if (ref) results = results.filter((r) => r.meta.ref === ref);
  // A reference typed as words ("INC-6", "6") puts that incident first.
  const typedRef = referenceOf(asked.q);
  if (typedRef) results.sort((a, b) => Number(b.meta.ref === typedRef) - Number(a.meta.ref === typedRef));
  show(results, words, null);
}

function show(results, words, problem) {
  const section = document.createElement('section');
  section.setAttribute('aria-labelledby', 'results');
  const heading = document.createElement('h2');
  heading.id = 'results';
  heading.textContent = problem || (results.length === 0 ? words.noMatch : plural(words.matches, results.length, words.lang));
  section.append(heading);
  const list = document.createElement('ul');
  list.className = 'plain';
  for (const result of results) {
    const item = document.createElement('li');
    item.className = 'history-item';
    const link = document.createElement('a');
    link.href = result.meta.path || result.url;
    link.textContent = result.meta.title || result.meta.ref || result.url;
    const meta = document.createElement('p');
    meta.className = 'meta';
    meta.textContent = (result.meta.line || '').replace(/\s+/g, ' ').trim();
    item.append(link, meta);
    list.append(item);
  }
  section.append(list);
  document.querySelector('#static-search-results')?.remove();
  section.id = 'static-search-results';
  form.after(section);
}

/** The catalogue's words for `count`, by the language's plural rules (as api/shared/messages.ts chooses them). */
function plural(forms, count, lang) {
  const text = typeof forms === 'string' ? forms : forms[new Intl.PluralRules(lang).select(count)] || forms.other;
  return text.replace(/\{count\}/g, String(count));
}
