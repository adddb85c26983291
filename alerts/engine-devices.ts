// Registry lookups and resolved settings per device for the engine's hot path: reused for `ttlMs`, so a
// flood of messages does not hit SQLite once per message; cleared at once when settings change.
import { createLookupCache, type DeviceDirectory, type LookupCache } from '../registry/index.ts'
import { followsDusk, type ResolveSettings, type StrayWireAttachments } from './settings.ts'
import type { AlertStore } from './store.ts'
import { createStrayWireFeedback } from './stray-wire-feedback.ts'
import type { AlertSettings, RuleDevice } from './types.ts'

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
}): LookupCache<EngineDevice> {
  const feedback = createStrayWireFeedback(opts.store.db)
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
  })
}
