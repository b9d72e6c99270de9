/**
 * Alertmanager notifications in the shape its webhook sends (version 4, one group, each alert
 * with its labels and fingerprint), for a named alert on a service, firing or resolved.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTENT_DIR } from '../../support/app.ts';

type AlertOptions = { service?: string; status?: 'firing' | 'resolved'; fingerprint?: string; labels?: Record<string, string>; summary?: string };

/** One alert's notification, as Alertmanager posts it to a webhook receiver. */
export function alertmanagerPost(alertname: string, options: AlertOptions = {}) {
  const status = options.status ?? 'firing';
  const labels = { alertname, service: options.service ?? 'api', severity: 'warning', instance: 'api-1:9100', job: 'node', ...options.labels };
  const summary = options.summary ?? `${alertname} on ${labels.service}`;
  return {
    version: '4' as const,
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'herald',
    groupLabels: { alertname },
    commonLabels: labels,
    commonAnnotations: { summary },
    externalURL: 'http://alertmanager.example.org:9093',
    alerts: [
      {
        status,
        labels,
        annotations: { summary },
        startsAt: '2026-03-10T11:55:00.000Z',
        endsAt: status === 'resolved' ? '2026-03-10T12:30:00.000Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example.org:9090/graph?g0.expr=up+%3D%3D+0',
        fingerprint: options.fingerprint ?? `fp-${alertname}`,
      },
    ],
  };
}

/** A content folder like the shipped one, where the services `slugs` opt in to "autoStatus". */
export function contentWithAutoStatus(...slugs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-auto-status-'));
  cpSync(CONTENT_DIR, dir, { recursive: true });
  const catalogue = JSON.parse(readFileSync(join(CONTENT_DIR, 'services.json'), 'utf8'));
  for (const group of catalogue.groups) for (const service of group.services) if (slugs.includes(service.slug)) service.autoStatus = true;
  writeFileSync(join(dir, 'services.json'), JSON.stringify(catalogue));
  return dir;
}
