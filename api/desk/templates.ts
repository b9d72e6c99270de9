/** The desk's message templates: the pure rules live in api/shared/templates.ts, the loader in api/platform/content.ts. */
export { fillMessageTemplate, leftovers, parseTemplate, type Template, type TemplateUse } from '../shared/templates.ts';
export { loadMessageTemplates } from '../platform/content.ts';
