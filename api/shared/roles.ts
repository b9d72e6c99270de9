/**
 * Who may do what. No server imports: the desk pages use it to hide what a role
 * cannot do, the HTTP layer to refuse it.
 */
import { z } from 'zod';

/** The roles a person signed in to the desk can have. */
export const USER_ROLES = ['admin', 'comms', 'support'] as const;
export const UserRole = z.enum(USER_ROLES);
export type UserRole = z.infer<typeof UserRole>;

/** The roles an API token can carry: a person's, or `intake` for a monitoring system posting alerts. */
export const ROLES = [...USER_ROLES, 'intake'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/**
 * - `read`: everything internal (incidents, audit log, services) — every person's role.
 * - `post`: anything readers see (incidents and their updates, maintenance, service status,
 *   postmortems, proposals applied) — comms and admin; support cannot post.
 * - `link`: record which support tickets are linked to an incident (internal) — every person's role.
 * - `manage`: users and API tokens — admin only.
 * - `intake`: post monitoring alerts (/api/intake/…), which open drafts nobody outside sees
 *   until a person publishes them — the intake role, which can do nothing else, and admin.
 */
export type Permission = 'read' | 'post' | 'manage' | 'link' | 'intake';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['read', 'post', 'manage', 'link', 'intake'],
  comms: ['read', 'post', 'link'],
  support: ['read', 'link'],
  intake: ['intake'],
};

/**
 * @example can('support', 'post') // false
 * @example can('intake', 'read') // false
 */
export const can = (role: Role, permission: Permission): boolean => GRANTS[role].includes(permission);

export const ROLE_LABEL: Record<Role, string> = {
  admin: 'Admin (everything, users and tokens)',
  comms: 'Comms (incidents, maintenance, service status)',
  support: 'Support (reads everything, links tickets, cannot publish)',
  intake: 'Intake (monitoring alerts only: opens drafts, reads nothing)',
};

/** A signed-in desk user's session, as the desk's gate finds it. */
export type Session = { userId: number; email: string; name: string | null; role: Role; csrfToken: string; expiresAt: string };
