// Registry lookups and resolved settings per device for the engine's hot path: reused for `ttlMs`, so a
// flood of messages does not hit SQLite once per message; cleared at once when settings change. When the
// registry says how it changes (registryStamp), an entry whose TTL ran out is kept for another TTL without
// its queries where neither the registry nor alerts.db's settings and crews' answers changed since it was
// looked up (SQLite's data_version for other connections' commits, a count of this connection's writes).
import { createLookupCache, type DeviceDirectory, type LookupCache } from '../registry/index.ts'
import { settingsWritesOf } from './db.ts'
import { followsDusk, type ResolveSettings, type StrayWireAttachments } from './settings.ts'
import type { AlertStore } from './store.ts'
import { createStrayWireFeedback } from './stray-wire-feedback.ts'
import type { AlertSettings, RuleDevice } from './types.ts'

/** how long an expired look-up is kept for the change stamp to vouch for (registry/lookup-cache.ts) */
const KEEP_EXPIRED_MS = 65_000

export interface EngineDevice {
  device: RuleDevice
  settings: AlertSettings
  decommissioned: boolean
}

/** A site's coordinates, for lights that switch at dusk (the registry's `getSite`). */
export type SiteLocations = (siteId: string) => { lat: number; lon: number } | undefined

export function createDeviceLookup(opts: {
  directory: Pick<DeviceDirectory, 'findDevice'>
  /** where a site is; without it, `strayWire.lightsAtDusk` has nothing to compute dusk from */
  siteLocation?: SiteLocations
  store: AlertStore
  resolveSettings: ResolveSettings
  now: () => number
  ttlMs: number
  /**
   * Changes whenever anything `directory` and `siteLocation` read changes (the registry's changeStamp);
   * without it every expired entry is looked up again. `resolveSettings` must be pure.
   */
  registryStamp?: () => string
}): LookupCache<EngineDevice> {
  const feedback = createStrayWireFeedback(opts.store.db)
  const { registryStamp } = opts
  const db = opts.store.db
  const dataVersion = db.prepare('PRAGMA data_version').pluck()
  // what a lookup reads: the registry, and alerts.db's settings and feedback (written by other connections,
  // counted by data_version, or through this one, counted by settingsWritesOf)
  // sampled once per clock reading: a batch's look-ups share one, as they share the clock their TTL counts from
  let stampAt = Number.NaN
  let stampNow = ''
  const stamp =
    registryStamp &&
    ((nowMs: number) => {
      if (nowMs !== stampAt) {
        stampAt = nowMs
        stampNow = `${registryStamp()}|${dataVersion.get()}|${settingsWritesOf(db)}`
      }
      return stampNow
    })
  // Decommissioned devices too: their spooled backlog is still evaluated
  return createLookupCache({
    lookup: (id): EngineDevice | undefined => {
      const d = opts.directory.findDevice(id, { includeDecommissioned: true })
      if (!d) return undefined
      const device: RuleDevice = {
        id: d.id,
        kind: d.kind,
        siteId: d.siteId,
        tenantId: d.tenantId,
        reportIntervalS: d.reportIntervalS,
      }
      const resolved = opts.resolveSettings(
        opts.store.getSettings('site', d.siteId),
        opts.store.getSettings('device', d.id),
      )
      // what crews told the stray-wire detector about this circuit travels with its settings, and so does
      // the site's location where its lights switch at dusk
      const attached: StrayWireAttachments = {}
      const fb = feedback.forDevice(d.id)
      if (fb.taught.length > 0 || fb.forget.length > 0) attached.strayWireFeedback = fb
      if (followsDusk(resolved)) {
        const at = opts.siteLocation?.(d.siteId)
        if (at) attached.strayWireSite = at
      }
      const settings = Object.keys(attached).length > 0 ? { ...resolved, ...attached } : resolved
      return { device, settings, decommissioned: d.decommissionedAt !== undefined }
    },
    ttlMs: opts.ttlMs,
    now: opts.now,
    stamp,
    // a device reporting once a minute (a circuit monitor's usual interval) finds its entry still there
    keepExpiredMs: KEEP_EXPIRED_MS,
  })
}
