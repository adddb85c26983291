// Channels, routes and silences in alerts.db, tenant-scoped: a scope of `null` (admin) sees every tenant.
//
// A channel's `config` (its webhook URL carries a robot's key) and `secret` are stored sealed with the
// operator's key (domain/secret-box.ts) when one is given: values stored in plain text by an earlier
// version are sealed when the store opens, and every sealed value is opened once then, so a wrong key
// stops the start-up with a clear error instead of failing at the first notification.

import type { AlertsDb } from '../alerts/index.ts'
import { CourtyardError } from '../domain/errors.ts'
import { isSealed, type SecretBox } from '../domain/secret-box.ts'
import { generateId } from '../registry/index.ts'
import type { Channel, NotificationRoute, Silence, SilenceMatchers } from './types.ts'

export type TenantScope = string | null

interface ChannelRow {
  id: string
  tenant_id: string
  name: string
  type: Channel['type']
  config: string
  secret: string | null
  created_at: number
  updated_at: number
}
interface RouteRow {
  id: string
  tenant_id: string
  body: string
  created_at: number
  updated_at: number
}
interface SilenceRow {
  id: string
  tenant_id: string
  matchers: string
  starts_at: number
  ends_at: number
  comment: string
  created_by: string
  created_at: number
}

/** How a channel's config and secret columns are written and read: sealed with a key, or plain. */
function channelColumns(box: SecretBox | undefined) {
  const place = (id: string, column: 'config' | 'secret') => `${id}:${column}`
  const write = (id: string, column: 'config' | 'secret', plain: string) =>
    box === undefined ? plain : box.seal(plain, place(id, column))
  const read = (id: string, column: 'config' | 'secret', stored: string): string => {
    if (!isSealed(stored)) return stored
    if (box === undefined)
      throw new CourtyardError(
        'CONFIG_INVALID',
        `channel ${id} has sealed secrets and no secrets key was given to open them`,
      )
    return box.open(stored, place(id, column))
  }
  return {
    write,
    toChannel: (r: ChannelRow): Channel =>
      ({
        id: r.id,
        tenantId: r.tenant_id,
        name: r.name,
        type: r.type,
        config: JSON.parse(read(r.id, 'config', r.config)),
        ...(r.secret !== null && { secret: read(r.id, 'secret', r.secret) }),
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }) as Channel,
  }
}

/** Seals what an earlier version stored in plain text, then opens every value once (a wrong key fails here). */
function sealStoredChannels(db: AlertsDb, columns: ReturnType<typeof channelColumns>): void {
  const rows = db.prepare('SELECT * FROM notify_channels').all() as ChannelRow[]
  const update = db.prepare('UPDATE notify_channels SET config = ?, secret = ? WHERE id = ?')
  const plain = rows.filter((r) => !isSealed(r.config) || (r.secret !== null && !isSealed(r.secret)))
  if (plain.length > 0) {
    // the plain values must not linger in freed page space or in the write-ahead log
    const secureDelete = db.pragma('secure_delete', { simple: true })
    db.pragma('secure_delete = ON')
    db.transaction(() => {
      for (const r of plain) {
        const plainConfig = !isSealed(r.config)
        const plainSecret = r.secret !== null && !isSealed(r.secret)
        update.run(
          plainConfig ? columns.write(r.id, 'config', r.config) : r.config,
          r.secret !== null && plainSecret ? columns.write(r.id, 'secret', r.secret) : r.secret,
          r.id,
        )
      }
    })()
    db.pragma(`secure_delete = ${Number(secureDelete)}`)
    db.pragma('wal_checkpoint(TRUNCATE)')
  }
  for (const r of db.prepare('SELECT * FROM notify_channels').all() as ChannelRow[]) columns.toChannel(r)
}

const toRoute = (r: RouteRow): NotificationRoute => ({
  ...JSON.parse(r.body),
  id: r.id,
  tenantId: r.tenant_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

const toSilence = (r: SilenceRow): Silence => ({
  id: r.id,
  tenantId: r.tenant_id,
  matchers: JSON.parse(r.matchers) as SilenceMatchers,
  from: r.starts_at,
  to: r.ends_at,
  comment: r.comment,
  createdBy: r.created_by,
  createdAt: r.created_at,
})

const ROUTE_META = new Set(['id', 'tenantId', 'createdAt', 'updatedAt'])
const routeBody = (r: NotificationRoute) =>
  JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !ROUTE_META.has(k))))

export type NewChannel = Omit<Channel, 'id' | 'createdAt' | 'updatedAt'>
export type NewRoute = Omit<NotificationRoute, 'id' | 'createdAt' | 'updatedAt'>
export type NewSilence = Omit<Silence, 'id' | 'createdAt'>

export interface Page {
  limit: number
  afterId?: string
}

export function createNotifyConfigStore(db: AlertsDb, now: () => number, secrets?: SecretBox) {
  const { toChannel, write } = channelColumns(secrets)
  if (secrets !== undefined) sealStoredChannels(db, channelColumns(secrets))
  // the bus listener runs these for every alert change: prepare once
  const hot = {
    channelAny: db.prepare('SELECT * FROM notify_channels WHERE id = ?'),
    channelOf: db.prepare('SELECT * FROM notify_channels WHERE id = ? AND tenant_id = ?'),
    routeAny: db.prepare('SELECT * FROM notify_routes WHERE id = ?'),
    routesAll: db.prepare('SELECT * FROM notify_routes ORDER BY id'),
    routesOf: db.prepare('SELECT * FROM notify_routes WHERE tenant_id = ? ORDER BY id'),
    silencesActive: db.prepare(
      'SELECT * FROM notify_silences WHERE tenant_id = ? AND starts_at <= ? AND ends_at > ?',
    ),
  }
  const scoped = (scope: TenantScope) => (scope === null ? '' : ' AND tenant_id = @scope')
  const list = <R>(table: string, scope: TenantScope, page: Page, extra = ''): R[] =>
    db
      .prepare(`SELECT * FROM ${table} WHERE id > @after${scoped(scope)}${extra} ORDER BY id LIMIT @limit`)
      .all({ after: page.afterId ?? '', scope, limit: page.limit }) as R[]
  const one = <R>(table: string, id: string, scope: TenantScope): R | undefined =>
    db.prepare(`SELECT * FROM ${table} WHERE id = @id${scoped(scope)}`).get({ id, scope }) as R | undefined

  return {
    createChannel(c: NewChannel): Channel {
      const id = generateId('nch')
      const at = now()
      db.prepare(
        `INSERT INTO notify_channels (id, tenant_id, name, type, config, secret, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        c.tenantId,
        c.name,
        c.type,
        write(id, 'config', JSON.stringify(c.config)),
        c.secret === undefined ? null : write(id, 'secret', c.secret),
        at,
        at,
      )
      return { ...c, id, createdAt: at, updatedAt: at } as Channel
    },
    getChannel(id: string, scope: TenantScope = null): Channel | undefined {
      const r = (scope === null ? hot.channelAny.get(id) : hot.channelOf.get(id, scope)) as
        | ChannelRow
        | undefined
      return r && toChannel(r)
    },
    listChannels(scope: TenantScope, page: Page): Channel[] {
      return list<ChannelRow>('notify_channels', scope, page).map(toChannel)
    },
    updateChannel(c: Channel): Channel {
      const at = now()
      db.prepare(
        'UPDATE notify_channels SET name = ?, config = ?, secret = ?, updated_at = ? WHERE id = ?',
      ).run(
        c.name,
        write(c.id, 'config', JSON.stringify(c.config)),
        c.secret === undefined ? null : write(c.id, 'secret', c.secret),
        at,
        c.id,
      )
      return { ...c, updatedAt: at }
    },
    deleteChannel(id: string): boolean {
      return db.prepare('DELETE FROM notify_channels WHERE id = ?').run(id).changes > 0
    },
    /** Routes naming the channel (primary or escalation): a channel in use is not deleted. */
    routesUsingChannel(channelId: string): string[] {
      return this.allRoutes()
        .filter((r) => r.channelIds.includes(channelId) || r.escalateTo?.includes(channelId))
        .map((r) => r.id)
    },

    createRoute(r: NewRoute): NotificationRoute {
      const id = generateId('nrt')
      const at = now()
      const route = { ...r, id, createdAt: at, updatedAt: at }
      db.prepare(
        'INSERT INTO notify_routes (id, tenant_id, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
      ).run(id, r.tenantId, routeBody(route), at, at)
      return route
    },
    getRoute(id: string, scope: TenantScope = null): NotificationRoute | undefined {
      const r = (scope === null ? hot.routeAny.get(id) : one<RouteRow>('notify_routes', id, scope)) as
        | RouteRow
        | undefined
      return r && toRoute(r)
    },
    listRoutes(scope: TenantScope, page: Page): NotificationRoute[] {
      return list<RouteRow>('notify_routes', scope, page).map(toRoute)
    },
    /** Every route of a tenant (or all tenants): the notifier matches alert changes against these. */
    allRoutes(tenantId?: string): NotificationRoute[] {
      const rows = (tenantId === undefined ? hot.routesAll.all() : hot.routesOf.all(tenantId)) as RouteRow[]
      return rows.map(toRoute)
    },
    updateRoute(r: NotificationRoute): NotificationRoute {
      const at = now()
      const route = { ...r, updatedAt: at }
      db.prepare('UPDATE notify_routes SET body = ?, updated_at = ? WHERE id = ?').run(
        routeBody(route),
        at,
        r.id,
      )
      return route
    },
    deleteRoute(id: string): boolean {
      return db.prepare('DELETE FROM notify_routes WHERE id = ?').run(id).changes > 0
    },

    createSilence(s: NewSilence): Silence {
      const id = generateId('sil')
      const at = now()
      db.prepare(
        `INSERT INTO notify_silences (id, tenant_id, matchers, starts_at, ends_at, comment, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, s.tenantId, JSON.stringify(s.matchers), s.from, s.to, s.comment, s.createdBy, at)
      return { ...s, id, createdAt: at }
    },
    getSilence(id: string, scope: TenantScope = null): Silence | undefined {
      const r = one<SilenceRow>('notify_silences', id, scope)
      return r && toSilence(r)
    },
    listSilences(scope: TenantScope, page: Page, opts: { activeAt?: number } = {}): Silence[] {
      if (opts.activeAt === undefined) return list<SilenceRow>('notify_silences', scope, page).map(toSilence)
      return (
        db
          .prepare(
            `SELECT * FROM notify_silences WHERE id > @after${scoped(scope)}
             AND starts_at <= @at AND ends_at > @at ORDER BY id LIMIT @limit`,
          )
          .all({ after: page.afterId ?? '', scope, limit: page.limit, at: opts.activeAt }) as SilenceRow[]
      ).map(toSilence)
    },
    /** Silences of a tenant in force at `at`. */
    activeSilences(tenantId: string, at: number): Silence[] {
      return (hot.silencesActive.all(tenantId, at, at) as SilenceRow[]).map(toSilence)
    },
    /** Ends a silence now (kept for the record) rather than deleting it. */
    expireSilence(id: string): Silence | undefined {
      const at = now()
      db.prepare('UPDATE notify_silences SET ends_at = MIN(ends_at, ?) WHERE id = ?').run(at, id)
      return this.getSilence(id)
    },
  }
}

export type NotifyConfigStore = ReturnType<typeof createNotifyConfigStore>
