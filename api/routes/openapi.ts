import { Hono } from 'hono';
import { z } from 'zod';
import {
  CreateIncidentInput,
  CreateMaintenanceInput,
  CreateServiceInput,
  Incident,
  Maintenance,
  PatchIncidentInput,
  PatchServiceInput,
  PatchUpdateInput,
  PostMaintenanceUpdateInput,
  PostUpdateInput,
  ReopenInput,
  Service,
} from '../domain/schemas.ts';
import type { HeraldEnv } from '../http/env.ts';
import { CreateWebhookInput, ImportInput, Subscriber } from '../subscribers/schema.ts';

const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

const schemas = {
  CreateIncidentInput,
  PostUpdateInput,
  ReopenInput,
  PatchIncidentInput,
  PatchUpdateInput,
  CreateServiceInput,
  PatchServiceInput,
  ImportInput,
  CreateWebhookInput,
  CreateMaintenanceInput,
  PostMaintenanceUpdateInput,
  Incident,
  Maintenance,
  Service,
  Subscriber,
  Error: ErrorBody,
};

const ref = (name: keyof typeof schemas) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: keyof typeof schemas) => ({ content: { 'application/json': { schema: ref(name) } } });
const errors = {
  '400': { description: 'Bad input; `fields` names each bad field', ...json('Error') },
  '401': { description: 'No valid admin token', ...json('Error') },
  '404': { description: 'Unknown incident, update or service', ...json('Error') },
  '409': { description: 'Not allowed in the current state', ...json('Error') },
  '413': { description: 'Body over 64 KiB', ...json('Error') },
};
const refParam = { name: 'ref', in: 'path', required: true, schema: { type: 'string', pattern: '^INC-[1-9][0-9]*$' }, example: 'INC-42' };
const maintenanceRefParam = { name: 'ref', in: 'path', required: true, schema: { type: 'string', pattern: '^MNT-[1-9][0-9]*$' }, example: 'MNT-7' };
const slugParam = { name: 'slug', in: 'path', required: true, schema: { type: 'string' } };

/** The admin API as OpenAPI 3.1, its schemas generated from the same zod schemas that validate requests. */
export function openapiDocument() {
  return {
    openapi: '3.1.0',
    info: { title: 'Herald admin API', version: '1', description: 'Post and update incidents and services. Every route needs `Authorization: Bearer <token>`.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: Object.fromEntries(
        Object.entries(schemas).map(([name, schema]) => [
          name,
          z.toJSONSchema(schema, { io: name.endsWith('Input') ? 'input' : 'output', unrepresentable: 'any' }),
        ]),
      ),
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/admin/incidents': {
        get: {
          summary: 'List incidents, newest first, with their update cadence',
          parameters: [
            { name: 'state', in: 'query', schema: { type: 'string', enum: ['open', 'resolved', 'all'], default: 'open' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
          ],
          responses: { '200': { description: 'Incidents', content: { 'application/json': { schema: { type: 'object', properties: { incidents: { type: 'array', items: ref('Incident') } } } } } }, ...errors },
        },
        post: { summary: 'Declare an incident', requestBody: { required: true, ...json('CreateIncidentInput') }, responses: { '201': { description: 'Created', ...json('Incident') }, ...errors } },
      },
      '/api/admin/incidents/{ref}': {
        parameters: [refParam],
        get: { summary: 'One incident', responses: { '200': { description: 'The incident', ...json('Incident') }, ...errors } },
        patch: { summary: "Edit an incident's fields (audited)", requestBody: { required: true, ...json('PatchIncidentInput') }, responses: { '200': { description: 'Edited', ...json('Incident') }, ...errors } },
      },
      '/api/admin/incidents/{ref}/updates': {
        parameters: [refParam],
        post: { summary: 'Post an update (409 once resolved)', requestBody: { required: true, ...json('PostUpdateInput') }, responses: { '201': { description: 'Posted', ...json('Incident') }, ...errors } },
      },
      '/api/admin/incidents/{ref}/updates/{id}': {
        parameters: [refParam, { name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        patch: { summary: "Correct an update's message (shown as edited, audited)", requestBody: { required: true, ...json('PatchUpdateInput') }, responses: { '200': { description: 'Edited', ...json('Incident') }, ...errors } },
      },
      '/api/admin/incidents/{ref}/reopen': {
        parameters: [refParam],
        post: { summary: 'Reopen a resolved incident', requestBody: { required: true, ...json('ReopenInput') }, responses: { '201': { description: 'Reopened', ...json('Incident') }, ...errors } },
      },
      '/api/admin/maintenance': {
        get: {
          summary: 'List maintenance windows: upcoming soonest first, the others latest first',
          parameters: [
            { name: 'state', in: 'query', schema: { type: 'string', enum: ['upcoming', 'active', 'completed', 'all'], default: 'all' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
          ],
          responses: { '200': { description: 'Maintenance windows', content: { 'application/json': { schema: { type: 'object', properties: { maintenances: { type: 'array', items: ref('Maintenance') } } } } } }, ...errors },
        },
        post: { summary: 'Schedule a maintenance window (started at once if its start has passed)', requestBody: { required: true, ...json('CreateMaintenanceInput') }, responses: { '201': { description: 'Scheduled', ...json('Maintenance') }, ...errors } },
      },
      '/api/admin/maintenance/{ref}': {
        parameters: [maintenanceRefParam],
        get: { summary: 'One maintenance window', responses: { '200': { description: 'The window', ...json('Maintenance') }, ...errors } },
      },
      '/api/admin/maintenance/{ref}/updates': {
        parameters: [maintenanceRefParam],
        post: { summary: 'Post an update; status in_progress starts it, completed ends it (409 once completed)', requestBody: { required: true, ...json('PostMaintenanceUpdateInput') }, responses: { '201': { description: 'Posted', ...json('Maintenance') }, ...errors } },
      },
      '/api/admin/services': {
        get: { summary: 'List services', responses: { '200': { description: 'Services', content: { 'application/json': { schema: { type: 'object', properties: { services: { type: 'array', items: ref('Service') } } } } } }, ...errors } },
        post: { summary: 'Create a service', requestBody: { required: true, ...json('CreateServiceInput') }, responses: { '201': { description: 'Created', ...json('Service') }, ...errors } },
      },
      '/api/admin/services/{slug}': {
        parameters: [slugParam],
        get: { summary: 'One service', responses: { '200': { description: 'The service', ...json('Service') }, ...errors } },
        patch: { summary: 'Edit a service or set its status', requestBody: { required: true, ...json('PatchServiceInput') }, responses: { '200': { description: 'Edited', ...json('Service') }, ...errors } },
        delete: { summary: 'Delete (archive) a service; 409 while an open incident names it', responses: { '204': { description: 'Deleted' }, ...errors } },
      },
      '/api/admin/incidents/{ref}/deliveries': {
        parameters: [refParam],
        get: { summary: 'Per-update delivery counts of subscriber notices (queued, sent, retrying, failed, cancelled)', responses: { '200': { description: 'Counts by update' }, ...errors } },
      },
      '/api/admin/subscribers': {
        get: {
          summary: 'Subscribers with counts by state; search by address',
          parameters: [
            { name: 'q', in: 'query', schema: { type: 'string' } },
            { name: 'state', in: 'query', schema: { type: 'string', enum: ['pending', 'confirmed', 'unsubscribed', 'suppressed'] } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          ],
          responses: { '200': { description: 'Subscribers', content: { 'application/json': { schema: { type: 'object', properties: { subscribers: { type: 'array', items: ref('Subscriber') }, counts: { type: 'object' } } } } } }, ...errors },
        },
      },
      '/api/admin/subscribers/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        delete: { summary: 'Remove a subscriber (and mail still queued for them)', responses: { '204': { description: 'Removed' }, ...errors } },
      },
      '/api/admin/subscribers/export.csv': {
        get: { summary: 'All subscribers as CSV', responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors } },
      },
      '/api/admin/subscribers/import': {
        post: { summary: 'Import subscribers from CSV; they confirm by mail unless `consent` is true', requestBody: { required: true, ...json('ImportInput') }, responses: { '201': { description: 'What was added and skipped' }, ...errors } },
      },
      '/api/admin/webhooks': {
        get: { summary: 'Webhook subscribers', responses: { '200': { description: 'Webhooks' }, ...errors } },
        post: { summary: 'Add a webhook (https only); the signing secret is shown once', requestBody: { required: true, ...json('CreateWebhookInput') }, responses: { '201': { description: 'Added' }, ...errors } },
      },
      '/api/admin/webhooks/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        delete: { summary: 'Remove a webhook', responses: { '204': { description: 'Removed' }, ...errors } },
      },
      '/healthz': { get: { summary: 'Liveness and database reachability', security: [], responses: { '200': { description: 'Database answers' }, '503': { description: 'Database unreachable; the site is still served' } } } },
      '/healthz/freshness': { get: { summary: 'Open incidents past their next-update deadline', security: [], responses: { '200': { description: 'None overdue' }, '503': { description: 'Overdue incidents, listed' } } } },
      '/metrics': { get: { summary: 'Prometheus text metrics', security: [], responses: { '200': { description: 'herald_incidents_open, herald_incidents_overdue, herald_next_deadline_seconds, …', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
    },
  };
}

export const openapiRoute = () => {
  const body = JSON.stringify(openapiDocument());
  return new Hono<HeraldEnv>().get('/api/openapi.json', (c) => c.body(body, 200, { 'content-type': 'application/json; charset=utf-8' }));
};
