// Registry lookups for the hot path: a Map with a short TTL, so a newly provisioned device is picked up
// within `ttlMs` while a flood of messages does not hit SQLite once per message. Unknown ids are cached
// too (negative entries), so a flood from an unprovisioned device costs one lookup per TTL.
import type { DeviceDirectory, DeviceIdentity } from '../registry/index.ts'
import { registryTagSet } from './encode-points.ts'

export interface CachedDevice {
  device: DeviceIdentity
  /** escaped registry tag set for line protocol */
  tagSet: string
}

export interface DeviceCache {
  get(id: string): CachedDevice | undefined
}

export function createDeviceCache(opts: {
  directory: Pick<DeviceDirectory, 'findDevice'>
  ttlMs: number
  now: () => number
  maxEntries?: number
}): DeviceCache {
  const { directory, ttlMs, now } = opts
  const maxEntries = opts.maxEntries ?? 100_000
  const entries = new Map<string, { value: CachedDevice | undefined; expiresAt: number }>()

  return {
    get(id) {
      const t = now()
      const hit = entries.get(id)
      if (hit && hit.expiresAt > t) return hit.value
      const device = directory.findDevice(id, { includeDecommissioned: true })
      const value = device
        ? {
            device,
            tagSet: registryTagSet({
              tenant: device.tenantId,
              community: device.communityId,
              site: device.siteId,
              device: device.id,
            }),
          }
        : undefined
      // bounded: random device ids must not grow the map without limit
      if (!hit && entries.size >= maxEntries) entries.clear()
      entries.set(id, { value, expiresAt: t + ttlMs })
      return value
    },
  }
}
