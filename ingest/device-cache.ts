// The registry identity and escaped tag set of a device, for ingest's hot path (the registry's lookup
// cache: one SQLite lookup per device per TTL). Decommissioned devices too: their spooled backlog is stored.
import { createLookupCache, type DeviceDirectory, type DeviceIdentity } from '../registry/index.ts'
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
  return createLookupCache({
    lookup: (id): CachedDevice | undefined => {
      const device = opts.directory.findDevice(id, { includeDecommissioned: true })
      return (
        device && {
          device,
          tagSet: registryTagSet({
            tenant: device.tenantId,
            community: device.communityId,
            site: device.siteId,
            device: device.id,
          }),
        }
      )
    },
    ttlMs: opts.ttlMs,
    now: opts.now,
    maxEntries: opts.maxEntries,
  })
}
