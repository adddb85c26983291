// Tenants, communities and sites.
import type Database from 'better-sqlite3'
import { CourtyardError } from '../domain/errors.ts'
import { assertValidId, generateId } from './ids.ts'
import type { Community, Location, Page, Registry, Site, SiteKind, Tenant } from './model.ts'

interface SiteRow {
  id: string
  tenant_id: string
  community_id: string
  community: string
  name: string
  kind: SiteKind
  lat: number | null
  lon: number | null
  address: string | null
  created_at: number
}

const siteFrom = (r: SiteRow): Site => {
  const site: Site = {
    id: r.id,
    tenantId: r.tenant_id,
    communityId: r.community_id,
    community: r.community,
    name: r.name,
    kind: r.kind,
    createdAt: r.created_at,
  }
  if (r.lat !== null && r.lon !== null) {
    const location: Location = { lat: r.lat, lon: r.lon }
    if (r.address !== null) location.address = r.address
    site.location = location
  }
  return site
}

const SITE_SELECT = `SELECT s.*, c.name AS community FROM sites s JOIN communities c ON c.id = s.community_id`

type TenancyStore = Pick<
  Registry,
  | 'createTenant'
  | 'getTenant'
  | 'listTenants'
  | 'ensureCommunity'
  | 'createSite'
  | 'getSite'
  | 'updateSite'
  | 'listSites'
>

export function createTenancyStore(db: Database.Database, now: () => number): TenancyStore {
  const q = {
    insertTenant: db.prepare('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)'),
    getTenant: db.prepare('SELECT id, name, created_at FROM tenants WHERE id = ?'),
    listTenants: db.prepare('SELECT id, name, created_at FROM tenants WHERE id > ? ORDER BY id LIMIT ?'),
    findCommunity: db.prepare('SELECT id, tenant_id, name FROM communities WHERE tenant_id = ? AND name = ?'),
    insertCommunity: db.prepare(
      'INSERT INTO communities (id, tenant_id, name, created_at) VALUES (?, ?, ?, ?)',
    ),
    insertSite: db.prepare(
      `INSERT INTO sites (id, tenant_id, community_id, name, kind, lat, lon, address, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    siteExists: db.prepare('SELECT 1 FROM sites WHERE id = ?'),
    updateSite: db.prepare(
      'UPDATE sites SET name = coalesce(?, name), lat = ?, lon = ?, address = ? WHERE id = ?',
    ),
    getSite: db.prepare(`${SITE_SELECT} WHERE s.id = ?`),
    listSites: db.prepare(`${SITE_SELECT} WHERE s.id > ? ORDER BY s.id LIMIT ?`),
    listTenantSites: db.prepare(`${SITE_SELECT} WHERE s.tenant_id = ? AND s.id > ? ORDER BY s.id LIMIT ?`),
  }

  const tenantFrom = (r: { id: string; name: string; created_at: number }): Tenant => ({
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
  })

  const ensureCommunity = (tenantId: string, name: string): Community => {
    const found = q.findCommunity.get(tenantId, name) as
      | { id: string; tenant_id: string; name: string }
      | undefined
    if (found) return { id: found.id, tenantId: found.tenant_id, name: found.name }
    const id = generateId('cm')
    q.insertCommunity.run(id, tenantId, name, now())
    return { id, tenantId, name }
  }

  return {
    createTenant({ id = generateId('tn'), name }) {
      assertValidId(id, 'tenant')
      if (q.getTenant.get(id)) throw new CourtyardError('CONFLICT', `tenant ${id} already exists`)
      const createdAt = now()
      q.insertTenant.run(id, name, createdAt)
      return { id, name, createdAt }
    },
    getTenant(id) {
      const r = q.getTenant.get(id) as Parameters<typeof tenantFrom>[0] | undefined
      return r && tenantFrom(r)
    },
    listTenants({ limit, afterId = '' }) {
      return (q.listTenants.all(afterId, limit) as Parameters<typeof tenantFrom>[0][]).map(tenantFrom)
    },
    ensureCommunity: (tenantId, name) => db.transaction(() => ensureCommunity(tenantId, name)).immediate(),
    createSite(input) {
      const id = input.id ?? generateId('site')
      assertValidId(id, 'site')
      return db
        .transaction(() => {
          if (!q.getTenant.get(input.tenantId))
            throw new CourtyardError('NOT_FOUND', `tenant ${input.tenantId} does not exist`)
          if (q.siteExists.get(id)) throw new CourtyardError('CONFLICT', `site ${id} already exists`)
          const community = ensureCommunity(input.tenantId, input.community)
          const loc = input.location
          q.insertSite.run(
            id,
            input.tenantId,
            community.id,
            input.name,
            input.kind,
            loc?.lat ?? null,
            loc?.lon ?? null,
            loc?.address ?? null,
            now(),
          )
          return siteFrom(q.getSite.get(id) as SiteRow)
        })
        .immediate()
    },
    updateSite(id, changes, scope) {
      return db
        .transaction(() => {
          const r = q.getSite.get(id) as SiteRow | undefined
          if (!r || (scope?.tenantId && r.tenant_id !== scope.tenantId))
            throw new CourtyardError('NOT_FOUND', `site ${id} does not exist`)
          // a location is replaced whole (an address without coordinates means nothing to dusk)
          const loc = changes.location === undefined ? siteFrom(r).location : changes.location
          q.updateSite.run(changes.name ?? null, loc?.lat ?? null, loc?.lon ?? null, loc?.address ?? null, id)
          return siteFrom(q.getSite.get(id) as SiteRow)
        })
        .immediate()
    },
    getSite(id, scope) {
      const r = q.getSite.get(id) as SiteRow | undefined
      if (!r) return undefined
      if (scope?.tenantId && r.tenant_id !== scope.tenantId) return undefined
      return siteFrom(r)
    },
    listSites({ limit, afterId = '', tenantId }: Page & { tenantId?: string | null }) {
      const rows = tenantId
        ? q.listTenantSites.all(tenantId, afterId, limit)
        : q.listSites.all(afterId, limit)
      return (rows as SiteRow[]).map(siteFrom)
    },
  }
}
