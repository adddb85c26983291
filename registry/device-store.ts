// Devices and their secrets. Decommissioned rows stay (history); their ids are never reused silently.
import type Database from 'better-sqlite3'
import { CourtyardError } from '../domain/errors.ts'
import { DEVICE_KINDS, type DeviceKind } from '../domain/protocol.ts'
import { assertValidId } from './ids.ts'
import type { Device, Registry } from './model.ts'
import { generateSecret, hashSecret, type ScryptParams, verifySecret } from './secrets.ts'

/** Default report interval when provisioning does not say (protocol: offline after 3 × this). */
export const DEFAULT_REPORT_INTERVAL_S = 60

interface DeviceRow {
  id: string
  kind: DeviceKind
  site_id: string
  tenant_id: string
  community_id: string
  name: string | null
  report_interval_s: number
  created_at: number
  decommissioned_at: number | null
}

/**
 * One copy of each tenant, community and site id and kind for every device object built: the hot paths'
 * caches (ingest, live feed, alert engine) each hold a device per connected device, and SQLite gives
 * every row fresh strings (4 × 2 copies per device at 10,000 devices: bench/heap-diff.ts).
 */
function createInterner(max = 50_000): (s: string) => string {
  const seen = new Map<string, string>()
  return (s) => {
    const known = seen.get(s)
    if (known !== undefined) return known
    if (seen.size >= max) seen.clear()
    seen.set(s, s)
    return s
  }
}

const deviceFrom = (r: DeviceRow, intern: (s: string) => string): Device => {
  const d: Device = {
    id: r.id,
    kind: intern(r.kind) as DeviceKind,
    tenantId: intern(r.tenant_id),
    communityId: intern(r.community_id),
    siteId: intern(r.site_id),
    reportIntervalS: r.report_interval_s,
    createdAt: r.created_at,
  }
  if (r.name !== null) d.name = r.name
  if (r.decommissioned_at !== null) d.decommissionedAt = r.decommissioned_at
  return d
}

const SELECT = `SELECT d.id, d.kind, d.site_id, s.tenant_id, s.community_id, d.name, d.report_interval_s,
  d.created_at, d.decommissioned_at FROM devices d JOIN sites s ON s.id = d.site_id`

type DeviceStore = Pick<
  Registry,
  | 'findDevice'
  | 'verifyDeviceSecret'
  | 'provisionDevice'
  | 'getDevice'
  | 'listDevices'
  | 'deviceIdsOfSite'
  | 'decommissionDevice'
  | 'rotateDeviceSecret'
  | 'credentialVersion'
  | 'onCredentialChange'
>

export function createDeviceStore(
  db: Database.Database,
  now: () => number,
  scrypt: ScryptParams,
): DeviceStore {
  const intern = createInterner()
  const toDevice = (r: DeviceRow) => deviceFrom(r, intern)
  const q = {
    get: db.prepare(`${SELECT} WHERE d.id = ?`),
    secret: db.prepare('SELECT secret_hash FROM devices WHERE id = ? AND decommissioned_at IS NULL'),
    exists: db.prepare('SELECT decommissioned_at FROM devices WHERE id = ?'),
    site: db.prepare('SELECT id FROM sites WHERE id = ?'),
    insert: db.prepare(
      `INSERT INTO devices (id, kind, site_id, name, report_interval_s, secret_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    decommission: db.prepare(
      'UPDATE devices SET decommissioned_at = ? WHERE id = ? AND decommissioned_at IS NULL',
    ),
    rotate: db.prepare(
      `UPDATE devices SET secret_hash = ?, secret_rotated_at = ?, secret_version = secret_version + 1
       WHERE id = ? AND decommissioned_at IS NULL`,
    ),
    version: db.prepare('SELECT secret_version FROM devices WHERE id = ? AND decommissioned_at IS NULL'),
    ofSite: db.prepare('SELECT id FROM devices WHERE site_id = ? AND decommissioned_at IS NULL ORDER BY id'),
  }
  // Listing filters combine freely; the statement is picked from a small cache keyed by the filter set.
  const listCache = new Map<string, Database.Statement>()
  const listStatement = (tenant: boolean, site: boolean, all: boolean) => {
    const key = `${tenant}${site}${all}`
    let st = listCache.get(key)
    if (!st) {
      const where = ['d.id > @after']
      if (tenant) where.push('s.tenant_id = @tenantId')
      if (site) where.push('d.site_id = @siteId')
      if (!all) where.push('d.decommissioned_at IS NULL')
      st = db.prepare(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY d.id LIMIT @limit`)
      listCache.set(key, st)
    }
    return st
  }

  const credentialListeners = new Set<(deviceId: string) => void>()
  const credentialsChanged = (id: string) => {
    for (const l of credentialListeners) l(id)
  }

  const getDevice: DeviceStore['getDevice'] = (id, opts) => {
    const r = q.get.get(id) as DeviceRow | undefined
    if (!r) return undefined
    if (r.decommissioned_at !== null && !opts?.includeDecommissioned) return undefined
    if (opts?.tenantId && r.tenant_id !== opts.tenantId) return undefined
    return toDevice(r)
  }

  return {
    findDevice: (id, opts) => getDevice(id, opts),
    async verifyDeviceSecret(id, secret) {
      const r = q.secret.get(id) as { secret_hash: string } | undefined
      if (!r) return false
      return verifySecret(r.secret_hash, secret)
    },
    async provisionDevice(input) {
      assertValidId(input.id, 'device')
      if (!(DEVICE_KINDS as readonly string[]).includes(input.kind))
        throw new CourtyardError('BAD_REQUEST', `device kind must be one of ${DEVICE_KINDS.join(', ')}`)
      const interval = input.reportIntervalS ?? DEFAULT_REPORT_INTERVAL_S
      if (!Number.isInteger(interval) || interval < 1 || interval > 86_400)
        throw new CourtyardError(
          'BAD_REQUEST',
          'reportIntervalS must be a whole number of seconds from 1 to 86400',
        )
      const secret = generateSecret()
      // hash outside the write transaction: scrypt runs on the thread pool while others write
      const hash = await hashSecret(secret, scrypt)
      db.transaction(() => {
        const existing = q.exists.get(input.id) as { decommissioned_at: number | null } | undefined
        if (existing)
          throw new CourtyardError(
            'CONFLICT',
            existing.decommissioned_at === null
              ? `device ${input.id} is already provisioned`
              : `device ${input.id} was decommissioned; its id keeps its history and cannot be reused`,
          )
        if (!q.site.get(input.siteId))
          throw new CourtyardError('NOT_FOUND', `site ${input.siteId} does not exist`)
        q.insert.run(input.id, input.kind, input.siteId, input.name ?? null, interval, hash, now())
      }).immediate()
      return { device: toDevice(q.get.get(input.id) as DeviceRow), secret }
    },
    getDevice,
    listDevices({ limit, afterId = '', tenantId, siteId, includeDecommissioned }) {
      const st = listStatement(Boolean(tenantId), siteId !== undefined, Boolean(includeDecommissioned))
      const params: Record<string, unknown> = { after: afterId, limit }
      if (tenantId) params.tenantId = tenantId
      if (siteId !== undefined) params.siteId = siteId
      return (st.all(params) as DeviceRow[]).map(toDevice)
    },
    deviceIdsOfSite(siteId) {
      return (q.ofSite.all(siteId) as { id: string }[]).map((r) => r.id)
    },
    decommissionDevice(id) {
      const r = q.get.get(id) as DeviceRow | undefined
      if (!r) throw new CourtyardError('DEVICE_UNKNOWN', `device ${id} does not exist`)
      if (q.decommission.run(now(), id).changes === 0)
        throw new CourtyardError('CONFLICT', `device ${id} is already decommissioned`)
      credentialsChanged(id)
      return toDevice(q.get.get(id) as DeviceRow)
    },
    async rotateDeviceSecret(id) {
      if (!getDevice(id)) throw new CourtyardError('DEVICE_UNKNOWN', `device ${id} does not exist`)
      const secret = generateSecret()
      const hash = await hashSecret(secret, scrypt)
      if (q.rotate.run(hash, now(), id).changes === 0)
        throw new CourtyardError('DEVICE_UNKNOWN', `device ${id} does not exist`)
      credentialsChanged(id)
      return secret
    },
    credentialVersion(id) {
      return (q.version.get(id) as { secret_version: number } | undefined)?.secret_version
    },
    onCredentialChange(listener) {
      credentialListeners.add(listener)
      return () => credentialListeners.delete(listener)
    },
  }
}
