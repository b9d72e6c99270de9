/** The desk's message templates: the pure rules live in api/domain/templates.ts, the loader in api/content.ts. */
export { fillMessageTemplate, leftovers, parseTemplate, type Template, type TemplateUse } from '../domain/templates.ts';
export { loadMessageTemplates } from '../content.ts';
