// What the registry stores, as the API and other parts see it.
import type { DeviceKind } from '../domain/protocol.ts'
import type { CredentialDirectory, DeviceDirectory, DeviceIdentity } from './types.ts'

export const SITE_KINDS = ['charging-shed', 'daycare-centre', 'display', 'building'] as const
export type SiteKind = (typeof SITE_KINDS)[number]

export const ROLES = ['admin', 'manager', 'viewer'] as const
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
}

export interface Page {
  limit: number
  /** exclusive: rows with id greater than this */
  afterId?: string
}

export interface Registry extends DeviceDirectory, CredentialDirectory {
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
  createToken(input: { tenantId: string | null; role: Role; name: string }): {
    token: string
    record: ApiToken
  }
  /** Looks an active token up by its clear text. */
  findToken(token: string): ApiToken | undefined
  revokeToken(id: string): void
  /** Makes `token` the bootstrap admin token (ADMIN_TOKEN), revoking a previous bootstrap token. Idempotent. */
  ensureAdminToken(token: string): ApiToken
  /** True when some active admin token spanning every tenant exists. */
  hasAdminToken(): boolean

  /** Creates or re-keys a service account; returns the fresh secret (shown once). */
  rotateServiceSecret(name: string): string

  close(): void
}
