// What the registry stores, as the API and other parts see it.
import type { DeviceKind } from '../domain/protocol.ts'
import type { CredentialDirectory, DeviceDirectory, DeviceIdentity } from './types.ts'

export const SITE_KINDS = ['charging-shed', 'daycare-centre', 'display', 'building'] as const
export type SiteKind = (typeof SITE_KINDS)[number]

// docs/api.md v1.1 "People and sessions": what each may do is api/permissions.ts
export const ROLES = ['admin', 'manager', 'crew', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export interface Tenant {
  id: string
  name: string
  createdAt: number
}

export interface Community {
  id: string
  tenantId: string
  name: string
}

export interface Location {
  lat: number
  lon: number
  address?: string
}

export interface Site {
  id: string
  tenantId: string
  communityId: string
  /** the community's name */
  community: string
  name: string
  kind: SiteKind
  location?: Location
  createdAt: number
}

export interface Device extends DeviceIdentity {
  createdAt: number
}

export interface ApiToken {
  id: string
  /** null for an admin token that spans every tenant */
  tenantId: string | null
  role: Role
  name: string
  hash: string
  createdAt: number
  revokedAt?: number
  /** epoch ms; from then on the token answers 401 */
  expiresAt?: number
}

/** A person who signs in with a username and password (never returned: the hash stays in the registry). */
/** What a page needs to call a person by name (GET /api/v1/people/names). */
export interface PersonName {
  username: string
  displayName: string
  /** the account's creation: an act recorded before it was another account's of the same name */
  createdAt: number
}

export interface User {
  id: string
  /** lowercase; unique across every tenant, since sign-in names no tenant */
  username: string
  /** null only for an admin spanning every tenant */
  tenantId: string | null
  role: Role
  displayName?: string
  createdAt: number
}

/** A signed-in browser. Only the sha256 of the session id is stored. */
export interface Session {
  idHash: string
  userId: string
  createdAt: number
  /** epoch ms of the last request that used it (updated at most once a minute) */
  lastSeenAt: number
  /** epoch ms: the absolute end, however active the session is */
  expiresAt: number
}

export interface Page {
  limit: number
  /** exclusive: rows with id greater than this */
  afterId?: string
}

export interface Registry extends DeviceDirectory, CredentialDirectory {
  /**
   * Changes whenever anything was committed to the registry since the last call that returned the same
   * value, by any connection (SQLite's data_version for the others, total_changes() for this one): a
   * look-up made when it had a value is still the registry's answer while it keeps that value.
   */
  changeStamp?(): string
  createTenant(input: { id?: string; name: string }): Tenant
  getTenant(id: string): Tenant | undefined
  listTenants(page: Page): Tenant[]

  /** Finds or creates the tenant's community by name. */
  ensureCommunity(tenantId: string, name: string): Community

  createSite(input: {
    id?: string
    tenantId: string
    name: string
    community: string
    kind: SiteKind
    location?: Location
  }): Site
  /** With `tenantId`, a site of another tenant is not found. */
  getSite(id: string, scope?: { tenantId?: string | null }): Site | undefined
  /** Renames a site or gives it a (new) location; with `tenantId`, a site of another tenant is not found. */
  updateSite(
    id: string,
    changes: { name?: string; location?: Location },
    scope?: { tenantId?: string | null },
  ): Site
  listSites(opts: Page & { tenantId?: string | null }): Site[]

  provisionDevice(input: {
    id: string
    kind: DeviceKind
    siteId: string
    name?: string
    reportIntervalS?: number
  }): Promise<{ device: Device; secret: string }>
  getDevice(
    id: string,
    opts?: { tenantId?: string | null; includeDecommissioned?: boolean },
  ): Device | undefined
  listDevices(
    opts: Page & { tenantId?: string | null; siteId?: string; includeDecommissioned?: boolean },
  ): Device[]
  /** Device ids of a site (active only), for live-feed subscriptions. */
  deviceIdsOfSite(siteId: string): string[]
  decommissionDevice(id: string): Device
  /** A new secret; the old one stops working at once. */
  rotateDeviceSecret(id: string): Promise<string>

  /** Creates an API token; the clear token is returned once and only its sha256 is stored. */
  createToken(input: { tenantId: string | null; role: Role; name: string; expiresAt?: number }): {
    token: string
    record: ApiToken
  }
  /** Looks an active (not revoked, not expired) token up by its clear text. */
  findToken(token: string): ApiToken | undefined
  /** An active token by id (live sockets re-check theirs). */
  getActiveToken(id: string): ApiToken | undefined
  /** Tokens not revoked (expired ones too, with their expiresAt), oldest first; `tenantId` narrows. */
  listTokens(opts: Page & { tenantId?: string | null }): ApiToken[]
  /** Revokes a token (with `tenantId`, only one of that tenant); NOT_FOUND when there is none to revoke. */
  revokeToken(id: string, scope?: { tenantId?: string | null }): void
  /**
   * Makes `token` the bootstrap admin token (ADMIN_TOKEN), revoking a previous bootstrap token. Idempotent.
   * A token revoked before stays revoked: the answer then carries its `revokedAt`.
   */
  ensureAdminToken(token: string): ApiToken
  /** True when some active admin token spanning every tenant exists. */
  hasAdminToken(): boolean

  /** Creates a user; the password is stored as a salted scrypt hash. CONFLICT when the name is taken. */
  createUser(input: {
    username: string
    password: string
    role: Role
    tenantId: string | null
    displayName?: string
  }): Promise<User>
  /** With `tenantId`, a user of another tenant is not found. */
  getUser(id: string, scope?: { tenantId?: string | null }): User | undefined
  listUsers(opts: Page & { tenantId?: string | null }): User[]
  /**
   * Every person with a display name, by username: a tenant's people (its own admins included, not the
   * admins spanning every tenant), or with `tenantId` null everyone's.
   */
  listDisplayNames(scope: { tenantId: string | null }): PersonName[]
  /**
   * Removes the user and its sessions (the caller disconnects its sockets). CONFLICT for the last admin
   * spanning every tenant: nobody would be left to manage people across tenants.
   */
  deleteUser(id: string): void
  /** Sets a new password and ends every session of the user but `keepSessionHash`. */
  setUserPassword(id: string, password: string, keepSessionHash?: string): Promise<void>
  /**
   * The user whose name and password match, or undefined. An unknown name costs one scrypt run too
   * (against a dummy hash), so the answer time does not tell which names exist.
   */
  verifyUserPassword(username: string, password: string): Promise<User | undefined>

  /** Starts a session; returns the clear session id (for the cookie) once. */
  createSession(input: { userId: string; expiresAt: number }): { sessionId: string; session: Session }
  /** The session and its user by the clear id, whatever its age (the caller decides about expiry). */
  findSession(sessionId: string): { session: Session; user: User } | undefined
  /** The same by the stored hash (live sockets re-check theirs). */
  getSessionByHash(idHash: string): { session: Session; user: User } | undefined
  touchSession(idHash: string, at: number): void
  deleteSession(idHash: string): void

  /** Creates or re-keys a service account; returns the fresh secret (shown once). */
  rotateServiceSecret(name: string): string

  close(): void
}
