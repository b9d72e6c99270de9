/**
 * Who may do what. No server imports: the desk pages use it to hide what a role
 * cannot do, the HTTP layer to refuse it.
 */
import { z } from 'zod';

export const ROLES = ['admin', 'comms', 'support'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/**
 * - `read`: everything internal (incidents, audit log, services) — every role.
 * - `publish`: incidents, maintenance, service status — comms and admin; support cannot publish.
 * - `link`: record which support tickets are linked to an incident (internal) — every role.
 * - `manage`: users and API tokens — admin only.
 */
export type Permission = 'read' | 'publish' | 'manage' | 'link';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['read', 'publish', 'manage', 'link'],
  comms: ['read', 'publish', 'link'],
  support: ['read', 'link'],
};

/**
 * @example can('support', 'publish') // false
 */
export const can = (role: Role, permission: Permission): boolean => GRANTS[role].includes(permission);

export const ROLE_LABEL: Record<Role, string> = {
  admin: 'Admin (everything, users and tokens)',
  comms: 'Comms (incidents, maintenance, service status)',
  support: 'Support (reads everything, links tickets, cannot publish)',
};
