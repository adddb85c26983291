// What each role may do (docs/api.md v1.1 "People and sessions"). Every /api/v1 route names the one
// permission it needs in its route config (`config: { permission }`); api/v1-auth.ts refuses to register
// a route without one and checks it on every request, so no route decides by role on its own.
// Tenancy is separate: a principal bound to a tenant never sees another tenant's things (404).
import type { Role } from '../registry/index.ts'

export const PERMISSIONS = [
  /** every GET: sites, devices, telemetry, events, alerts, settings, notification config, command audit */
  'read',
  /** one's own sign-in: GET and DELETE /session, POST /session/password */
  'session',
  /** acknowledge and clear alerts */
  'alerts:act',
  /** send device commands */
  'commands:send',
  /** alert settings overrides of sites and devices */
  'settings:write',
  /** create sites, rename them, give them a location */
  'sites:write',
  /** provision, decommission, re-key devices */
  'devices:write',
  /** notification channels, routes and silences */
  'notify:write',
  /** list, create, remove users and set their passwords (managers: their tenant, roles below admin) */
  'users:manage',
  /** list, create and revoke API tokens */
  'tokens:manage',
  /** create tenants (an admin spanning every tenant) */
  'tenants:manage',
] as const
export type Permission = (typeof PERMISSIONS)[number]

/** `public`: no credentials at all (signing in). */
export type RoutePermission = Permission | 'public'

const CREW: readonly Permission[] = ['read', 'session', 'alerts:act', 'commands:send']
const MANAGER: readonly Permission[] = [
  ...CREW,
  'settings:write',
  'sites:write',
  'devices:write',
  'notify:write',
  'users:manage',
]

export const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  manager: MANAGER,
  crew: CREW,
  viewer: ['read', 'session'],
}

/** Whether a principal of this role and scope holds the permission. */
export function can(p: { role: Role; tenantId: string | null }, permission: Permission): boolean {
  // tenants are above any one tenant: an admin bound to one cannot make more
  if (permission === 'tenants:manage' && p.tenantId !== null) return false
  return GRANTS[p.role].includes(permission)
}
