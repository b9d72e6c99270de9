import type { Catalogue } from '../../platform/content.ts';
import type { Db } from '../../platform/db/client.ts';

export type SyncReport = { added: string[]; updated: number; archived: string[]; kept: string[] };

/**
 * Makes the database's catalogue match `content/services.json`: groups and services are
 * upserted by slug (their live status untouched), and catalogue services no longer in the
 * file are archived — unless an open incident still names them, which keeps them and says so.
 * Services created through the API are left alone.
 */
export async function syncCatalogue(db: Db, catalogue: Catalogue, now: Date): Promise<SyncReport> {
  const at = now.toISOString();
  return db.write(async (tx) => {
    const existing = new Set((await tx.execute('SELECT slug FROM services WHERE archived_at IS NULL')).rows.map((r) => String(r.slug)));
    const report: SyncReport = { added: [], updated: 0, archived: [], kept: [] };
    const inFile = new Set<string>();
    for (const [groupIndex, group] of catalogue.groups.entries()) {
      await tx.execute({
        sql: `INSERT INTO service_groups (slug, name, position) VALUES (?, ?, ?)
              ON CONFLICT (slug) DO UPDATE SET name = excluded.name, position = excluded.position`,
        args: [group.slug, group.name, groupIndex],
      });
      for (const [index, service] of group.services.entries()) {
        inFile.add(service.slug);
        if (existing.has(service.slug)) report.updated += 1;
        else report.added.push(service.slug);
        await tx.execute({
          sql: `INSERT INTO services (slug, name, description, group_slug, position, source, created_at, updated_at, auto_status)
                VALUES (?, ?, ?, ?, ?, 'catalogue', ?, ?, ?)
                ON CONFLICT (slug) DO UPDATE SET name = excluded.name, description = excluded.description,
                  group_slug = excluded.group_slug, position = excluded.position, source = 'catalogue', archived_at = NULL,
                  auto_status = excluded.auto_status`,
          args: [service.slug, service.name, service.description, group.slug, groupIndex * 1000 + index, at, at, service.autoStatus ? 1 : 0],
        });
      }
    }
    const gone = await tx.execute(`SELECT s.id, s.slug, EXISTS (
        SELECT 1 FROM incident_services x JOIN incidents i ON i.id = x.incident_id WHERE x.service_id = s.id AND i.status <> 'resolved'
      ) AS in_use FROM services s WHERE s.source = 'catalogue' AND s.archived_at IS NULL`);
    for (const row of gone.rows) {
      const slug = String(row.slug);
      if (inFile.has(slug)) continue;
      if (Number(row.in_use)) {
        report.kept.push(slug);
        continue;
      }
      await tx.execute({ sql: 'UPDATE services SET archived_at = ? WHERE id = ?', args: [at, Number(row.id)] });
      report.archived.push(slug);
    }
    return report;
  });
}
