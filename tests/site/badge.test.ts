/**
 * The SVG status badges as a pure function: the right words and colour for each status, a
 * width that follows the text, and names that cannot break out of the SVG.
 */
import { describe, expect, it } from 'vitest';
import { ENGLISH } from '../../api/shared/messages.ts';
import { BADGE_FILL, overallBadge, renderBadge, serviceBadge, textWidth } from '../../api/site/badge.ts';
import type { SiteModel } from '../../api/site/model.ts';

type Node = { name: string; attrs: Record<string, string>; children: (Node | string)[] };

const unescapeXml = (text: string): string => {
  expect(text, 'a bare & or a character that should be escaped').not.toMatch(/&(?!(amp|lt|gt|quot|#39);)|[<>]/);
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] as string);
};

/**
 * A strict little XML reader for what a badge may hold: fails on an unknown tag, an unclosed
 * or mismatched one, an unquoted or badly escaped attribute, and a bare `<`, `>` or `&` in text.
 * (The browser test parses the same SVG with Chromium's own XML parser.)
 */
function parseSvg(svg: string): Node {
  const tokens = svg.split(/(<[^<>]*>)/).filter((t) => t !== '');
  const root: Node = { name: '#root', attrs: {}, children: [] };
  const stack = [root];
  for (const token of tokens) {
    const top = stack.at(-1) as Node;
    const tag = /^<(\/?)(svg|title|clipPath|rect|g|text)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>$/.exec(token);
    if (!tag) {
      expect(token.startsWith('<'), `unexpected markup ${token}`).toBe(false);
      top.children.push(unescapeXml(token));
      continue;
    }
    const [, closing, name, attrText, selfClosing] = tag as unknown as [string, string, string, string, string];
    if (closing) {
      expect(top.name, `</${name}> closes <${top.name}>`).toBe(name);
      stack.pop();
      continue;
    }
    const attrs = Object.fromEntries([...attrText.matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1], unescapeXml(m[2] as string)]));
    const node: Node = { name, attrs, children: [] };
    top.children.push(node);
    if (!selfClosing) stack.push(node);
  }
  expect(stack.length, 'every element is closed').toBe(1);
  expect(root.children.length).toBe(1);
  return root.children[0] as Node;
}

const elements = (node: Node, name: string): Node[] =>
  node.children.flatMap((c) => (typeof c === 'string' ? [] : [...(c.name === name ? [c] : []), ...elements(c, name)]));
const text = (node: Node): string => node.children.map((c) => (typeof c === 'string' ? c : text(c))).join('');

/** What a badge says and shows: its title, label, texts, widths and fills. */
function parse(svg: string) {
  const root = parseSvg(svg);
  expect(root.name).toBe('svg');
  const rects = elements(root, 'g').flatMap((g) => g.children.filter((c): c is Node => typeof c !== 'string' && c.name === 'rect'));
  return {
    attrs: root.attrs,
    title: text(elements(root, 'title')[0] as Node),
    texts: elements(root, 'text').map(text),
    rects: rects.map((r) => r.attrs),
  };
}

/** WCAG relative luminance contrast of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const model = (indicator: SiteModel['overall']['indicator']) => ({ overall: { indicator, description: 'x' }, messages: ENGLISH }) as SiteModel;

describe('status badges', () => {
  it.each([
    ['operational', 'operational', 'ok'],
    ['degraded_performance', 'degraded performance', 'minor'],
    ['partial_outage', 'partial outage', 'major'],
    ['major_outage', 'major outage', 'critical'],
    ['under_maintenance', 'maintenance', 'maintenance'],
  ] as const)('says a service that is %s is "%s", in its colour', (status, message, tone) => {
    const svg = serviceBadge({ name: 'Public API', status });
    const root = parse(svg);
    expect(root.attrs.role).toBe('img');
    expect(root.attrs['aria-label']).toBe(`Public API: ${message}`);
    expect(root.title).toBe(`Public API: ${message}`);
    expect(root.texts).toEqual(['Public API', message]);
    expect(root.rects[1]?.fill).toBe(BADGE_FILL[tone]);
  });

  it.each([
    ['none', 'operational'],
    ['maintenance', 'maintenance'],
    ['minor', 'degraded performance'],
    ['major', 'partial outage'],
    ['critical', 'major outage'],
  ] as const)('labels the page badge "status" and says %s as "%s"', (indicator, message) => {
    expect(parse(overallBadge(model(indicator))).title).toBe(`status: ${message}`);
  });

  it('keeps white text readable on every fill (4.5:1 or better)', () => {
    for (const [tone, fill] of Object.entries(BADGE_FILL)) expect(contrast('#ffffff', fill), tone).toBeGreaterThanOrEqual(4.5);
  });

  it('grows with its text, wide letters more than narrow ones', () => {
    const width = (label: string) => Number(parse(renderBadge({ label, message: 'operational', tone: 'ok' })).attrs.width);
    expect(width('Search and indexing')).toBeGreaterThan(width('Search'));
    expect(textWidth('MMMM')).toBeGreaterThan(textWidth('iiii') * 2);
    // The two halves fill the whole width.
    const root = parse(renderBadge({ label: 'Billing', message: 'major outage', tone: 'critical' }));
    expect(Number(root.rects[0]?.width) + Number(root.rects[1]?.width)).toBe(Number(root.attrs.width));
    expect(root.attrs.viewBox).toBe(`0 0 ${root.attrs.width} 20`);
  });

  it('escapes a service name with markup, quotes and ampersands: still one valid SVG, the name as text', () => {
    const name = `<script>alert("x")</script> & 'Co' "API"`;
    const svg = serviceBadge({ name, status: 'partial_outage' });
    expect(svg).not.toContain('<script');
    const root = parse(svg);
    expect(root.attrs['aria-label']).toBe(`${name}: partial outage`);
    expect(root.title).toBe(`${name}: partial outage`);
    expect(root.texts[0]).toBe(name);
  });

  it('drops control characters XML does not allow and cuts a very long name, keeping it whole in the title', () => {
    const long = `Service${'\u0007'} ${'x'.repeat(80)}`;
    const svg = serviceBadge({ name: long, status: 'operational' });
    const root = parse(svg);
    expect(root.texts[0]).toMatch(/^Service x+…$/);
    expect([...(root.texts[0] as string)].length).toBe(48);
    expect(svg).not.toContain('\u0007');
    expect(root.title).toBe(`Service ${'x'.repeat(80)}: operational`);
  });
});
