/**
 * Shields-style SVG status badges (`/badge.svg`, `/services/{slug}/badge.svg`): a label on the
 * left, the status on the right in its colour. Pure: model in, SVG text out. Published with
 * the snapshot, so a README or a wiki shows the status as of the last publish.
 */
import { ENGLISH, type Messages } from '../shared/messages.ts';
import type { Indicator } from '../features/services/index.ts';
import type { ServiceStatus } from '../shared/vocabulary.ts';
import type { SiteModel } from './model.ts';

export type BadgeTone = 'ok' | 'maintenance' | 'minor' | 'major' | 'critical';

/**
 * Fills behind white text, each at least 4.5:1 against it (WCAG AA for small text): the
 * site's own light-scheme status colours, which were chosen for the same contrast.
 */
export const BADGE_FILL: Record<BadgeTone | 'label', string> = {
  label: '#454d55',
  ok: '#1b6b37',
  maintenance: '#1d4f91',
  minor: '#7a5200',
  major: '#a83a00',
  critical: '#b3141e',
};

/** Each service status's colour; its words are the catalogue's `badge.<status>` (lower case, as shields.io writes them). */
const SERVICE_TONE: Record<ServiceStatus, BadgeTone> = {
  operational: 'ok',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
  under_maintenance: 'maintenance',
};

/** The page's indicator in the words of a service's status: the worst one, as the rollup ranks them. */
const OVERALL_BADGE: Record<Indicator, { status: ServiceStatus; tone: BadgeTone }> = {
  none: { status: 'operational', tone: SERVICE_TONE.operational },
  maintenance: { status: 'under_maintenance', tone: SERVICE_TONE.under_maintenance },
  minor: { status: 'degraded_performance', tone: SERVICE_TONE.degraded_performance },
  major: { status: 'partial_outage', tone: SERVICE_TONE.partial_outage },
  critical: { status: 'major_outage', tone: SERVICE_TONE.major_outage },
};

/**
 * Advance widths of Verdana at 11 px (the font shields.io badges use), in px, by character;
 * anything else counts as a wide letter, so an unusual name gets room rather than overflowing.
 */
const WIDTHS: [string, number][] = [
  ["iljI.,:;'|!`", 3.6],
  [' ()[]{}/\\-"', 4.4],
  ['frt', 4.8],
  ['sJ', 5.8],
  ['abcdeghknopquvxyzL0123456789$?*+=<>_^~', 6.9],
  ['ABCEFKPRSTVXYZ#&', 7.5],
  ['DGHNOQU', 8.4],
  ['mw%', 10.6],
  ['MW@', 11.8],
];
const WIDTH = new Map(WIDTHS.flatMap(([chars, width]) => [...chars].map((c) => [c, width] as const)));
const DEFAULT_WIDTH = 7.5;
/** Padding either side of each half's text, in px. */
const PAD = 6;
/** A badge is a one-line label: a name longer than this is cut (the full text stays in its title). */
const MAX_CHARS = 48;

/**
 * The width of `text` at 11 px Verdana, from the table above.
 * @example textWidth('ok') // 13.8
 */
export function textWidth(text: string): number {
  let width = 0;
  for (const c of text) width += WIDTH.get(c) ?? DEFAULT_WIDTH;
  return Math.round(width * 10) / 10;
}

/** For text and attribute values alike. */
const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** Control characters are not allowed in XML 1.0, even escaped. */
const clean = (text: string): string => text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();

const cut = (text: string): string => ([...text].length > MAX_CHARS ? `${[...text].slice(0, MAX_CHARS - 1).join('')}…` : text);

/**
 * A badge: `label` on grey, `message` on the tone's colour, as one accessible image
 * (`role="img"`, its `aria-label` and `<title>` read "label: message").
 * @example renderBadge({ label: 'status', message: 'operational', tone: 'ok' }).startsWith('<svg') // true
 */
export function renderBadge(badge: { label: string; message: string; tone: BadgeTone }): string {
  const label = clean(badge.label) || 'status';
  const message = clean(badge.message);
  const shownLabel = cut(label);
  const left = Math.ceil(textWidth(shownLabel) + 2 * PAD);
  const right = Math.ceil(textWidth(message) + 2 * PAD);
  const width = left + right;
  const title = escapeXml(`${label}: ${message}`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" viewBox="0 0 ${width} 20" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<clipPath id="r"><rect width="${width}" height="20" rx="3"/></clipPath>`,
    `<g clip-path="url(#r)"><rect width="${left}" height="20" fill="${BADGE_FILL.label}"/><rect x="${left}" width="${right}" height="20" fill="${BADGE_FILL[badge.tone]}"/></g>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,'DejaVu Sans',sans-serif" font-size="11">`,
    `<text x="${left / 2}" y="14">${escapeXml(shownLabel)}</text><text x="${left + right / 2}" y="14">${escapeXml(message)}</text>`,
    `</g></svg>`,
  ].join('');
}

/** The whole page's badge: "status" and the worst status on the page. */
export function overallBadge(model: SiteModel): string {
  const { t } = model.messages;
  const { status, tone } = OVERALL_BADGE[model.overall.indicator];
  return renderBadge({ label: t('badge.label'), message: t(`badge.${status}`), tone });
}

/** One service's badge: its name and its status. */
export function serviceBadge(service: { name: string; status: ServiceStatus }, messages: Messages = ENGLISH): string {
  return renderBadge({ label: service.name, message: messages.t(`badge.${service.status}`), tone: SERVICE_TONE[service.status] });
}

export const BADGE_PATH = '/badge.svg';
export const serviceBadgePath = (slug: string): string => `/services/${slug}/badge.svg`;
